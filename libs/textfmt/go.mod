module example.com/tqserver/libs/textfmt

go 1.22
