package gen

import (
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vigil-health/vigil"
)

// cmdbHeader is the CMDB workbook's header row (ServiceNow cmdb_ci style).
var cmdbHeader = [...]string{
	"CI Name", "Class", "Asset Tag", "Serial Number", "MAC Address", "IP Address", "Manufacturer",
	"Model", "OS Version", "Support Group", "Location", "Install Status", "Updated",
}

// CMDB column indexes.
const (
	itName = iota
	itClass
	itAsset
	itSerial
	itMAC
	itIP
	itMaker
	itModel
	itOS
	itGroup
	itLocation
	itStatus
	itUpdated
	itColumns
)

// cmdbRow is one row of the CMDB workbook.
type cmdbRow struct {
	d       *Device
	cells   [itColumns]string
	updated time.Time
}

// itStatusName is how the CMDB spells each lifecycle state.
func itStatusName(l vigil.Lifecycle) string {
	switch l {
	case vigil.LifecycleMaintenance:
		return "In Maintenance"
	case vigil.LifecycleRetired:
		return "Retired"
	case vigil.LifecycleReceived:
		return "In Stock"
	case vigil.LifecycleProcurement:
		return "On Order"
	case vigil.LifecycleDecommissioned:
		return "Disposed"
	}
	return "Installed"
}

// lifecycleFromName reads a CMMS status or CMDB install status back.
func lifecycleFromName(s string) vigil.Lifecycle {
	for _, l := range vigil.Lifecycles {
		if ceStatusName(l) == s || itStatusName(l) == s {
			return l
		}
	}
	return ""
}

// cmdbLocation formats a location the way the CMDB's location table names it.
func cmdbLocation(site *Site, building, floor, room string) string {
	return site.Code + " / " + building + " / Floor " + floor + " / " + room
}

// cmdbRows builds the CMDB rows from the devices it lists, injecting its
// disagreements: model spellings, another MAC notation, missing cells,
// serial typos, old locations, stale install status and duplicate CIs.
func (b *builder) cmdbRows() []*cmdbRow {
	var rows []*cmdbRow
	for _, d := range b.h.Devices {
		if !d.InSource(SourceCMDB) {
			continue
		}
		m := d.m
		site := b.h.Sites[d.dept.site]
		r := &cmdbRow{d: d}
		c := &r.cells
		c[itName] = d.Hostname
		if m.os != nil && m.os.vendor == "Microsoft" {
			c[itName] = strings.ToUpper(d.Hostname)
		}
		c[itClass] = m.itClass
		if !m.ce || b.chance(650) {
			c[itAsset] = d.AssetTag
		}
		c[itSerial] = d.Serial
		if d.MAC != "" {
			v := macValue(d.MAC)
			if m.net == netMgmt || b.chance(200) {
				c[itMAC] = formatMAC(v, '.', false)
			} else {
				c[itMAC] = formatMAC(v, '-', true)
			}
		}
		c[itIP] = d.IP
		c[itMaker] = b.pick(m.itMakers, 70)
		c[itModel] = m.name
		if len(m.itNames) > 0 && b.chance(400) {
			c[itModel] = m.itNames[b.rng.IntN(len(m.itNames))]
			d.quirk(SourceCMDB, "model-variant")
		}
		if !m.ce || b.chance(550) {
			c[itOS] = d.Firmware
		}
		c[itGroup] = d.OwnerTeam
		c[itLocation] = cmdbLocation(site, d.Building, d.Floor, d.Room)
		c[itStatus] = itStatusName(d.Lifecycle)
		if d.Lifecycle == vigil.LifecycleRetired && b.chance(500) {
			c[itStatus] = itStatusName(vigil.LifecycleInService)
			d.quirk(SourceCMDB, "stale-status")
		}
		updated := b.h.Now.Add(-time.Duration(3600+b.rng.IntN(400*86400)) * time.Second)
		c[itUpdated] = updated.Format(time.DateTime)
		r.updated = updated

		if d.InSource(SourceCMMS) && b.chance(30) {
			if old := b.pickDept(m, d.dept.site); old != nil && old.name != d.Department {
				fl := old.floors[b.rng.IntN(len(old.floors))]
				c[itLocation] = cmdbLocation(site, site.Buildings[old.building].Name, fl, roomName(old, fl, b.rng.IntN(1000)))
				d.quirk(SourceCMDB, "old-location")
			}
		}
		switch {
		case b.chance(20):
			c[itSerial] = b.typo(d.Serial)
			d.quirk(SourceCMDB, "serial-typo")
		case b.chance(40):
			c[itSerial] = ""
			d.quirk(SourceCMDB, "missing-serial")
		}
		if c[itMAC] != "" && b.chance(40) {
			c[itMAC] = ""
			d.quirk(SourceCMDB, "missing-mac")
		}
		if c[itIP] != "" && b.chance(30) {
			c[itIP] = ""
			d.quirk(SourceCMDB, "missing-ip")
		}
		rows = append(rows, r)
		if b.chance(10) {
			dup := &cmdbRow{d: d, cells: r.cells}
			dup.cells[itName] = strings.ToLower(d.Hostname) + "." + site.Domain
			dup.cells[itMAC] = formatMAC(macValue(d.MAC), ':', false)
			dup.cells[itAsset] = ""
			dup.updated = updated.AddDate(0, -7, 0)
			dup.cells[itUpdated] = dup.updated.Format(time.DateTime)
			if d.MAC == "" {
				dup.cells[itMAC] = ""
			}
			d.quirk(SourceCMDB, "duplicate")
			rows = append(rows, dup)
		}
	}
	return rows
}

// writeCMDB writes the CMDB workbook with one sheet, CMDBSheet. Document
// dates are set from now and the zip entries carry no timestamps, so the
// bytes depend only on the rows.
func writeCMDB(w io.Writer, rows []*cmdbRow, now time.Time) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", CMDBSheet); err != nil {
		return err
	}
	ts := now.UTC().Format("2006-01-02T15:04:05Z")
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "ServiceNow", LastModifiedBy: "ServiceNow", Created: ts, Modified: ts,
		Title: "Configuration Items (cmdb_ci)", Description: "Export from cmdb_ci list view",
	}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(CMDBSheet)
	if err != nil {
		return err
	}
	for col, width := range []float64{26, 22, 12, 18, 19, 14, 26, 28, 28, 22, 44, 15, 20} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	row := make([]any, itColumns)
	for i, h := range cmdbHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for i, r := range rows {
		for j, v := range r.cells {
			row[j] = nil
			if v != "" {
				row[j] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// cmdbRecords returns the records an importer makes of the CMDB workbook;
// row i is worksheet row i+2. A record is observed when its CI was last
// updated.
func cmdbRecords(rows []*cmdbRow) []*vigil.Record {
	recs := make([]*vigil.Record, 0, len(rows))
	for i, r := range rows {
		c := &r.cells
		f := map[string]string{}
		set(f, vigil.FieldHostname, strings.ToLower(c[itName]))
		set(f, vigil.FieldDeviceType, c[itClass])
		set(f, vigil.FieldAssetTag, c[itAsset])
		set(f, vigil.FieldSerial, c[itSerial])
		if c[itMAC] != "" {
			mac, err := vigil.NormalizeMAC(c[itMAC])
			if err == nil {
				f[vigil.FieldMAC] = mac
			}
		}
		set(f, vigil.FieldIP, c[itIP])
		set(f, vigil.FieldManufacturer, r.d.m.maker) // as a complete alias table would
		set(f, vigil.FieldModel, c[itModel])
		set(f, vigil.FieldFirmware, c[itOS])
		set(f, vigil.FieldOwnerTeam, c[itGroup])
		set(f, vigil.FieldLocation, c[itLocation])
		set(f, vigil.FieldLifecycle, string(lifecycleFromName(c[itStatus])))
		recs = append(recs, &vigil.Record{
			Origin:     vigil.Origin{File: FileCMDB, Sheet: CMDBSheet, Row: i + 2},
			ObservedAt: r.updated,
			Fields:     vigil.MakeFields(f),
		})
	}
	return recs
}
