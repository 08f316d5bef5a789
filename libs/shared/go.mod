module example.com/tqserver/libs/shared

go 1.22

require example.com/tqserver/libs/textfmt v0.0.0

replace example.com/tqserver/libs/textfmt => ../textfmt
