//go:build !unix

package ingest

import "time"

// processCPU is not measured here.
func processCPU() time.Duration { return 0 }
