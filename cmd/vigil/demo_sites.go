package main

import (
	"context"
	"fmt"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/web"
)

// demoSiteBlocks declares each demo hospital's address block (the /11 its
// networks are cut from), as 'vigil sites set-blocks' does, so that the
// devices seen only on the wire take their hospital. The CMMS names a site
// by its name or its code.
func demoSiteBlocks(ctx context.Context, m *Main, svc web.Services, h *gen.Hospital) error {
	for _, s := range h.Sites {
		err := svc.Inventory.SetSiteBlocks(ctx, m.actor(), s.Name, []string{s.Block})
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			err = svc.Inventory.SetSiteBlocks(ctx, m.actor(), s.Code, []string{s.Block})
		}
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			continue // a site no source names has no device to place
		}
		if err != nil {
			return fmt.Errorf("declaring the demo site blocks: %w", err)
		}
		fmt.Fprintf(m.Stdout, "site %s declares %s\n", s.Name, s.Block)
	}
	return nil
}
