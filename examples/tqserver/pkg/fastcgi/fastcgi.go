// Package fastcgi holds the FastCGI record types the php-fpm client speaks.
package fastcgi

// Version is the FastCGI protocol version.
const Version = 1

// RecordType names a FastCGI record.
type RecordType uint8

// BeginRequest opens a request.
const BeginRequest RecordType = 1
