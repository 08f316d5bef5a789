module example.com/tqserver/libs/shared

go 1.22
