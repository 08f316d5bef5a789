// Package router is not used by the server yet (as in TQServer itself).
package router

// Route is a URL prefix and the worker that serves it.
type Route struct{ Prefix, Worker string }
