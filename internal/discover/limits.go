package discover

import (
	"fmt"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/capture"
)

// DefaultMaxHosts is how many distinct addresses a run tracks by default:
// IP addresses that sent packets and source MAC addresses, together. A
// device on the captured segment has one of each, a routed host or
// internet peer an IP address only. Every address tracked costs about
// 1.6 KiB at the peak of a run (its state, its device in the report, the
// report's JSON): this many keep vigil discover near 650 MiB, under 1 GiB,
// and hold the 200,000 devices one capture point of a 500,000-device
// hospital sees at the most. --max-hosts raises it, with the memory.
const DefaultMaxHosts = 400_000

// LimitHosts names the host limit in errors; its flag is --max-hosts.
const LimitHosts = "hosts"

// limits is what a run holds a capture to, and where it is in it.
type limits struct {
	bound.Limits
	maxHosts int
	live     bool
	err      error // the limit a file went past: the run stops

	src    capture.Source // the source being read
	packet int            // the packet being processed, from 1
	told   map[string]bool
}

func newLimits(opt Options) limits {
	l := limits{Limits: opt.Limits.OrDefault(), maxHosts: opt.MaxHosts, live: opt.Live, told: map[string]bool{}}
	if l.maxHosts <= 0 {
		l.maxHosts = DefaultMaxHosts
	}
	return l
}

// where is the place in the capture of the packet being processed.
func (e *engine) where() string {
	if o, ok := e.lim.src.(capture.Offsetter); ok {
		return fmt.Sprintf("packet %d (byte %d)", e.lim.packet, o.Offset())
	}
	return fmt.Sprintf("packet %d", e.lim.packet)
}

// over meets a limit: a file stops the run with the error naming the flag
// that raises the limit; a live capture carries on without what is over
// it, said once in the log.
func (e *engine) over(limit string, max int64, what, live string) {
	if !e.lim.live {
		if e.lim.err == nil {
			e.lim.err = bound.Over(e.lim.src.Name(), e.where(), limit, max, what)
		}
		return
	}
	if !e.lim.told[limit] {
		e.lim.told[limit] = true
		e.warn(fmt.Sprintf("%s: %s: %s (the --max-%s limit)", e.lim.src.Name(), e.where(), fmt.Sprintf(live, bound.SizeText(limit, max)), limit))
	}
}

// roomForHost reports whether one more address can be tracked.
func (e *engine) roomForHost() bool {
	if len(e.hosts)+len(e.macs) < e.lim.maxHosts {
		return true
	}
	e.over(LimitHosts, int64(e.lim.maxHosts), "more than %s distinct addresses (IP or MAC) sent packets",
		"more than %s distinct addresses sent packets; new ones are no longer tracked")
	return false
}

// fits reports whether every value a packet of proto gives is at most
// FieldBytes long, to be kept; when one is not, nothing of it is.
func (e *engine) fits(proto string, vals ...string) bool {
	for _, v := range vals {
		if len(v) > e.lim.FieldBytes {
			e.over(bound.LimitFieldBytes, int64(e.lim.FieldBytes), proto+" value of more than %s",
				proto+" value of more than %s not kept, nor will such values be")
			return false
		}
	}
	return true
}
