//go:build tools

// Pins etcd's server; `go build go.etcd.io/etcd/server/v3` builds the etcd program.
package tools

import _ "go.etcd.io/etcd/server/v3"
