package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// demoProgress says on stderr what the demo is doing as it goes, each step
// with how long the one before took, so that a person waiting on a large
// hospital sees it move.
type demoProgress struct {
	m     *Main
	start time.Time
}

func (p *demoProgress) step(format string, args ...any) {
	fmt.Fprintf(p.m.Stderr, "vigil demo: "+format+"\n", args...)
}

// since is how long it has been since the last call, for a step's end.
func (p *demoProgress) since() string {
	now := time.Now()
	d := now.Sub(p.start)
	p.start = now
	return d.Round(10 * time.Millisecond).String()
}

// checkAddrFree listens on addr and lets go at once: the demo says a busy
// port before it spends time generating and loading a hospital.
func checkAddrFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln.Close()
	}
	reason := systemReason(err)
	if reason == "" {
		reason = err.Error()
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		port := addr
		if _, p, perr := net.SplitHostPort(addr); perr == nil {
			port = p
		}
		return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("port %s is in use (%s); pass --addr HOST:PORT to serve elsewhere, or --once not to serve", port, reason), err)
	}
	reason = strings.TrimPrefix(reason, "listen tcp "+addr+": ")
	return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot listen on %s (%s); pass --addr HOST:PORT", addr, reason), err)
}
