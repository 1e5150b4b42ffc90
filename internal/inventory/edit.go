package inventory

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/store"
)

// SetField sets one field of a device by hand, for example its device type
// or the location a discrepancy review settled. The value is normalised like
// an imported one and recorded as a record of the "manual" source that
// carries the device's identifiers, so it joins the device and, by default
// precedence, wins. An empty value removes the hand-set value of that field.
func (s *Service) SetField(ctx context.Context, actor *vigil.User, id int64, field, value string) error {
	if !vigil.IsField(field) {
		return vigil.Errorf(vigil.EINVALID, "unknown field %q", field)
	}
	value = strings.TrimSpace(value)
	if value != "" {
		// A MAC or IP that does not parse is refused here, not stored.
		v, err := ingest.NormalizeValue(field, value)
		if err != nil {
			return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s: %s", field, vigil.ErrorMessage(err)), err)
		}
		if v == "" {
			return vigil.Errorf(vigil.EINVALID, "%s: %q is a placeholder, not a value; leave the value empty to clear the field", field, value)
		}
		value = v
	}
	return s.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetManualField(ctx, actor, id, field, value); err != nil {
			return err
		}
		_, err := s.resolve(ctx, tx, actor, nil)
		return err
	})
}

// SetPrecedence replaces the per-field precedence and re-resolves the
// inventory.
func (s *Service) SetPrecedence(ctx context.Context, actor *vigil.User, p vigil.Precedence) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetPrecedence(ctx, actor, p); err != nil {
			return err
		}
		_, err := s.resolve(ctx, tx, actor, nil)
		return err
	})
}

// SetSourceRole changes a source's role and re-resolves the inventory.
func (s *Service) SetSourceRole(ctx context.Context, actor *vigil.User, name, role string) error {
	return s.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetSourceRole(ctx, actor, name, role); err != nil {
			return err
		}
		_, err := s.resolve(ctx, tx, actor, nil)
		return err
	})
}

// AddSiteBlocks adds address blocks to hospital sites named by name (a
// segment list's Site column): a block one the site declares already holds
// is skipped, the others join the site's blocks. One transaction, one
// re-resolution. It returns how many blocks were added and the names that
// are no hospital site of the inventory (nothing is declared for them).
func (s *Service) AddSiteBlocks(ctx context.Context, actor *vigil.User, add map[string][]string) (added int, unknown []string, err error) {
	sites, err := s.db.FindSites(ctx)
	if err != nil {
		return 0, nil, err
	}
	hospitals := map[string]*vigil.Site{}
	for _, st := range sites {
		if st.ParentID == 0 {
			hospitals[strings.ToLower(strings.TrimSpace(st.Name))] = st
		}
	}
	names := slices.Sorted(maps.Keys(add))
	next := map[string][]string{}
	for _, name := range names {
		st := hospitals[strings.ToLower(strings.TrimSpace(name))]
		if st == nil {
			unknown = append(unknown, name)
			continue
		}
		have, err := vigil.ParseBlocks(st.Blocks)
		if err != nil {
			return 0, nil, err
		}
		blocks := slices.Clone(st.Blocks)
		news, err := vigil.ParseBlocks(add[name])
		if err != nil {
			return 0, nil, err
		}
		for _, p := range news {
			if slices.ContainsFunc(have, func(h netip.Prefix) bool { return h.Bits() <= p.Bits() && h.Contains(p.Addr()) }) {
				continue
			}
			have = append(have, p)
			blocks = append(blocks, p.String())
			added++
		}
		if len(blocks) > len(st.Blocks) {
			next[st.Name] = blocks
		}
	}
	if len(next) == 0 {
		return 0, unknown, nil
	}
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		for _, name := range slices.Sorted(maps.Keys(next)) {
			if err := tx.SetSiteBlocks(ctx, actor, name, next[name]); err != nil {
				return err
			}
		}
		_, err := s.resolve(ctx, tx, actor, nil)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return added, unknown, s.changed(ctx, actor)
}

// SetSiteBlocks replaces the address blocks (CIDRs) a hospital site declares
// and re-resolves the inventory, so that the devices seen only on the
// network take the site whose block holds their address.
func (s *Service) SetSiteBlocks(ctx context.Context, actor *vigil.User, site string, blocks []string) error {
	if _, err := vigil.ParseBlocks(blocks); err != nil {
		return err
	}
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetSiteBlocks(ctx, actor, site, blocks); err != nil {
			return err
		}
		_, err := s.resolve(ctx, tx, actor, nil)
		return err
	})
	if err != nil {
		return err
	}
	return s.changed(ctx, actor)
}
