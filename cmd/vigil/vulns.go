package main

import (
	"context"
)

const vulnsUsage = `usage: vigil vulns COMMAND
  list [--kev] [--affecting] [--q TEXT] [--format table|json|csv]   vulnerabilities, those affecting most devices first
  show ID [--format table|json]                                      scores by source, KEV, EPSS, affected devices
  match                                                              match every device again`

func runVulns(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", vulnsUsage)
	}
	switch args[0] {
	case "list":
		return vulnsList(ctx, m, args[1:])
	case "show":
		return vulnsShow(ctx, m, args[1:])
	case "match":
		return vulnsMatch(ctx, m, args[1:])
	}
	return usagef("unknown vulns command %q\n%s", args[0], vulnsUsage)
}
