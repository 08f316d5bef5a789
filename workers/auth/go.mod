module example.com/tqserver/workers/auth

go 1.22
