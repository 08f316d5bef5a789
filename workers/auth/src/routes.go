package main

// route is one entry of the route table.
type route struct{ Method, Path, Handler string }

// routes is filled in by zz_routes.go, which the "routes" build job generates from routes.txt (see
// config.yaml). Registering from init keeps the package compiling, with no routes, where the job has
// not run: under go tooling that does not go through Nx.
var routes []route
