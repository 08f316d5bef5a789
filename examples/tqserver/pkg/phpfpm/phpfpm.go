// Package phpfpm talks to php-fpm pools for php workers.
package phpfpm

import "github.com/example/tqserver/pkg/fastcgi"

// Describe names the protocol the pool is spoken to with.
func Describe(pool string) string {
	return pool + " via FastCGI v" + string(rune('0'+fastcgi.Version))
}
