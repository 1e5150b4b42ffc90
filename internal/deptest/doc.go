// Package deptest holds Vigil's dependency guard: a test, built on
// `go list`, that keeps the packages on their floors (see
// docs/architecture.md). It has no code of its own.
package deptest
