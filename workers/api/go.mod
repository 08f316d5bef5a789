module example.com/tqserver/workers/api

go 1.22

require example.com/tqserver/libs/shared v0.0.0

replace example.com/tqserver/libs/shared => ../../libs/shared
