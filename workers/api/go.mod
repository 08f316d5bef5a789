module example.com/tqserver/workers/api

go 1.22

require (
	example.com/tqserver/libs/shared v0.0.0
	example.com/tqserver/libs/textfmt v0.0.0 // indirect
)

// Each worker is its own module; replace points at the local libraries (Go applies only the main module's replaces).
replace (
	example.com/tqserver/libs/shared => ../../libs/shared
	example.com/tqserver/libs/textfmt => ../../libs/textfmt
)
