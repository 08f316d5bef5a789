module github.com/example/tqserver

go 1.22
