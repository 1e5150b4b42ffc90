package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// Wherever a page names a device it gives the context a reader needs to
// know which one without opening it: its asset tag, maker and model, and
// where it is. The "devref" partial (templates/list.html) draws it.

// deviceRef is a device as a page names it.
type deviceRef struct {
	ID       int64  // 0: not in the inventory (a MAC seen on the wire)
	Name     string // asset tag, hostname, serial, MAC or IP
	AssetTag string // shown beside the name when the name is not it
	Model    string // maker and model
	Location string // hospital › place, or the sources' free-text location
}

// Context is what the partial prints after the name, in order.
func (d deviceRef) Context() []string {
	var out []string
	if d.AssetTag != "" && d.AssetTag != d.Name {
		out = append(out, "asset tag "+d.AssetTag)
	}
	for _, s := range []string{d.Model, d.Location} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// deviceNamer names devices by id for one page: the devices its rows point
// at, read at once, and the sites that place them.
type deviceNamer struct {
	devs  map[int64]*vigil.Device
	sites map[int64]*vigil.Site
}

// deviceNamer reads the devices of ids (0s skipped) and the sites.
func (s *Server) deviceNamer(ctx context.Context, ids []int64) (*deviceNamer, error) {
	want := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 {
			want = append(want, id)
		}
	}
	n := &deviceNamer{devs: map[int64]*vigil.Device{}, sites: map[int64]*vigil.Site{}}
	if len(want) > 0 {
		var err error
		if n.devs, err = s.db.FindDevicesByIDs(ctx, want); err != nil {
			return nil, err
		}
	}
	sites, err := s.sites.FindSites(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range sites {
		n.sites[st.ID] = st
	}
	return n, nil
}

// ref names the device id; one the inventory does not hold (removed since,
// or 0) is named by fallback alone.
func (n *deviceNamer) ref(id int64, fallback string) deviceRef {
	if d := n.devs[id]; d != nil {
		return n.of(d)
	}
	if fallback == "" && id != 0 {
		fallback = "device " + strconv.FormatInt(id, 10)
	}
	return deviceRef{ID: id, Name: fallback}
}

// of names d.
func (n *deviceNamer) of(d *vigil.Device) deviceRef {
	return deviceRef{ID: d.ID, Name: d.Label(), AssetTag: d.AssetTag, Model: strings.TrimSpace(d.Manufacturer + " " + d.Model),
		Location: n.location(d)}
}

// location is the device's hospital and place below it, or the hospital
// and the sources' free-text location when no place is known.
func (n *deviceNamer) location(d *vigil.Device) string {
	var parts []string
	for st := n.sites[d.PlaceID]; st != nil && st.Kind != vigil.SiteHospital && len(parts) < 8; st = n.sites[st.ParentID] {
		parts = append([]string{st.Name}, parts...)
	}
	if len(parts) == 0 && d.Location != "" {
		parts = []string{d.Location}
	}
	if h := n.sites[d.SiteID]; h != nil && (len(parts) == 0 || !strings.Contains(parts[0], h.Name)) {
		parts = append([]string{h.Name}, parts...)
	}
	return strings.Join(parts, " › ")
}

// nameDevices names the n devices at(i) gives (an id and a name to fall
// back on when the inventory no longer holds it), by id.
func (s *Server) nameDevices(r *http.Request, n int, at func(i int) (int64, string)) (map[int64]deviceRef, error) {
	ids := make([]int64, n)
	for i := range n {
		ids[i], _ = at(i)
	}
	names, err := s.deviceNamer(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]deviceRef, n)
	for i := range n {
		id, fallback := at(i)
		out[id] = names.ref(id, fallback)
	}
	return out, nil
}

// refOf names d with no site lookup: its free-text location only.
func refOf(d *vigil.Device) deviceRef {
	return deviceRef{ID: d.ID, Name: d.Label(), AssetTag: d.AssetTag, Model: strings.TrimSpace(d.Manufacturer + " " + d.Model), Location: d.Location}
}

// fieldTitles are the inventory fields as pages name them.
var fieldTitles = map[string]string{
	vigil.FieldAssetTag: "asset tag", vigil.FieldSerial: "serial number", vigil.FieldManufacturer: "manufacturer",
	vigil.FieldModel: "model", vigil.FieldDeviceType: "device type", vigil.FieldFirmware: "firmware",
	vigil.FieldMAC: "MAC address", vigil.FieldIP: "IP address", vigil.FieldHostname: "hostname", vigil.FieldSite: "site",
	vigil.FieldBuilding: "building", vigil.FieldFloor: "floor", vigil.FieldDepartment: "department", vigil.FieldRoom: "room",
	vigil.FieldLocation: "location", vigil.FieldOwnerTeam: "owner team", vigil.FieldStoresEPHI: "stores ePHI",
	vigil.FieldSendsEPHI: "sends ePHI", vigil.FieldCriticality: "criticality", vigil.FieldLifecycle: "lifecycle",
	vigil.FieldVLAN: "VLAN", vigil.FieldLastPM: "last preventive maintenance", vigil.FieldNextPM: "next preventive maintenance",
	vigil.FieldServiceContract: "service contract", vigil.FieldEndOfLife: "end of life", vigil.FieldFDAClass: "FDA class",
	vigil.FieldCostCenter: "cost centre",
}

// fieldTitle names an inventory field for people; an unknown one keeps its
// key with its underscores as spaces.
func fieldTitle(f string) string {
	if t, ok := fieldTitles[f]; ok {
		return t
	}
	return strings.ReplaceAll(f, "_", " ")
}
