// Package bench compares Duijie's matcher with a full-text baseline
// built on bleve, on the same synthetic corpus and the same queries.
//
// It is a module of its own, so that the product never depends on bleve;
// `go test ./...` at the repository root does not enter it.
package bench
