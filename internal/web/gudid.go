package web

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

// gudidOf returns the FDA GUDID record of the device identifier of a
// device's chosen UDI: reference data shown beside the sources' values,
// never instead of them. nil when the device has no UDI or GUDID does not
// know its DI.
func (s *Server) gudidOf(ctx context.Context, prov *vigil.DeviceProvenance) *vigil.GUDIDDevice {
	if prov == nil {
		return nil
	}
	for _, f := range prov.Fields {
		if f.Field != vigil.FieldUDI || f.Value == "" {
			continue
		}
		u, err := udi.Parse(f.Value)
		if err != nil {
			return nil
		}
		g, err := s.db.FindGUDID(ctx, u.DI)
		if err != nil {
			return nil
		}
		return g
	}
	return nil
}
