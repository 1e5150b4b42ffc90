package web

import (
	"net/http"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// apiDevices answers the device list in the common shape (list.go), the
// devices under "devices" too, and "offset" as before.
func (s *Server) apiDevices(w http.ResponseWriter, r *http.Request) error {
	f, p, err := deviceFilter(r)
	if err != nil {
		return err
	}
	rows, total, err := s.findDeviceRows(r, f, p)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "devices", rows, deviceColumns)
	}
	devs := make([]*vigil.Device, len(rows))
	for i, d := range rows {
		devs[i] = apiDevice(d.Device)
	}
	writeList(w, "devices", devs, total, p, map[string]any{"offset": p.Offset()})
	return nil
}

// apiDevice is a copy of d for the API: its times in UTC to the second.
func apiDevice(d *vigil.Device) *vigil.Device {
	c := *d
	for _, t := range []*time.Time{&c.FirstSeen, &c.LastSeen, &c.CreatedAt, &c.UpdatedAt} {
		*t = t.UTC().Truncate(time.Second)
	}
	return &c
}

func (s *Server) apiDevice(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	prov, err := s.inv.Provenance(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		*vigil.Device
		FDAClass string             `json:"fda_class,omitempty"` // the taxonomy's FDA class of its type
		GUDID    *vigil.GUDIDDevice `json:"gudid,omitempty"`     // the FDA GUDID record of its UDI's DI: reference data
	}{apiDevice(d), s.inv.FDAClass(d.DeviceType), s.gudidOf(r.Context(), prov)})
	return nil
}

func (s *Server) apiDeviceFacts(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	p, err := readRows[*vigil.Fact](r, maxLimit, nil)
	if err != nil {
		return err
	}
	facts, err := s.devices.DeviceFacts(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeRows(w, "facts", facts, p, nil, nil)
	return nil
}

func (s *Server) apiDeviceHistory(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	p, err := readRows[vigil.DeviceVersion](r, maxLimit, nil)
	if err != nil {
		return err
	}
	h, err := s.db.DeviceHistory(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeRows(w, "versions", h, p, nil, nil)
	return nil
}

func (s *Server) apiProvenance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.inv.Provenance(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiSetField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct{ Field, Value string }
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.inv.SetField(r.Context(), userFrom(r.Context()), id, in.Field, in.Value); err != nil {
		return err
	}
	d, err := s.devices.FindDeviceByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiCounts(w http.ResponseWriter, r *http.Request) error {
	f, _, err := deviceFilter(r)
	if err != nil {
		return err
	}
	c, err := s.devices.CountDevices(r.Context(), f.AsOf)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiSites(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.Site](r, maxLimit, nil)
	if err != nil {
		return err
	}
	sites, err := s.sites.FindSites(r.Context())
	if err != nil {
		return err
	}
	writeRows(w, "sites", sites, p, nil, nil)
	return nil
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.Source](r, maxLimit, nil)
	if err != nil {
		return err
	}
	srcs, err := s.db.FindSources(r.Context())
	if err != nil {
		return err
	}
	writeRows(w, "sources", srcs, p, nil, nil)
	return nil
}
