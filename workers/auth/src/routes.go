package main

// route is one entry of the table that the "routes" build job generates into zz_routes.go.
type route struct{ Method, Path, Handler string }
