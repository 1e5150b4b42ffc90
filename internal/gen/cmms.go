package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/vigil-health/vigil"
)

// cmmsHeader is the CMMS export's header row (Nuvolo / AIMS style).
var cmmsHeader = [...]string{
	"Equipment ID", "Control Number", "Facility", "Manufacturer", "Model Number", "Serial No.",
	"Device Type", "Department", "Building", "Floor", "Room", "Risk Class", "Software Version",
	"Status", "Contains ePHI", "Last PM Date", "Comments",
}

// CMMS column indexes.
const (
	ceEquipID = iota
	ceControl
	ceFacility
	ceMaker
	ceModel
	ceSerial
	ceType
	ceDept
	ceBuilding
	ceFloor
	ceRoom
	ceRisk
	ceSoftware
	ceStatus
	ceEPHI
	cePMDate
	ceComments
	ceColumns
)

// cmmsRow is one line of the CMMS export.
type cmmsRow struct {
	d     *Device
	cells [ceColumns]string
}

// ceRiskClass is how the CMMS spells each criticality.
func ceRiskClass(c vigil.Criticality) string {
	switch c {
	case vigil.CriticalityLifeSustaining:
		return "Life Support"
	case vigil.CriticalityLifeSupporting:
		return "Patient Monitoring"
	case vigil.CriticalityDiagnostic:
		return "Diagnostic"
	}
	return "Non-Clinical"
}

// ceStatusName is how the CMMS spells each lifecycle state.
func ceStatusName(l vigil.Lifecycle) string {
	switch l {
	case vigil.LifecycleMaintenance:
		return "Out for Repair"
	case vigil.LifecycleRetired:
		return "Retired"
	case vigil.LifecycleReceived:
		return "Pending Installation"
	case vigil.LifecycleProcurement:
		return "On Order"
	case vigil.LifecycleDecommissioned:
		return "Disposed"
	}
	return "Active"
}

// cmmsRows builds the CMMS export from the devices it lists, injecting the
// CMMS's disagreements: stale firmware, old locations, missing cells,
// serial typos and duplicate registrations.
func (b *builder) cmmsRows() []*cmmsRow {
	var rows []*cmmsRow
	eq := 1000000
	for _, d := range b.h.Devices {
		if !d.InSource(SourceCMMS) {
			continue
		}
		m := d.m
		eq += 1 + b.rng.IntN(4)
		r := &cmmsRow{d: d}
		c := &r.cells
		c[ceEquipID] = fmt.Sprintf("%d", eq)
		c[ceControl] = d.AssetTag
		c[ceFacility] = d.Site
		c[ceMaker] = b.pick(m.ceMakers, 60)
		c[ceModel] = m.name
		c[ceSerial] = d.Serial
		c[ceType] = m.ceType
		c[ceDept], c[ceBuilding], c[ceFloor], c[ceRoom] = d.Department, d.Building, d.Floor, d.Room
		c[ceRisk] = ceRiskClass(d.Criticality)
		c[ceSoftware] = d.Firmware
		c[ceStatus] = ceStatusName(d.Lifecycle)
		c[ceEPHI] = "No"
		if d.StoresEPHI {
			c[ceEPHI] = "Yes"
		}
		pm := b.h.Now.AddDate(0, 0, -b.rng.IntN(420))
		c[cePMDate] = pm.Format("01/02/2006")
		both := d.InSource(SourceCMDB)
		if i := b.firmwareIndex(d); i > 0 && both && b.chance(120) {
			c[ceSoftware] = m.firmware[b.rng.IntN(i)]
			d.quirk(SourceCMMS, "stale-firmware")
		} else if c[ceSoftware] != "" && b.chance(50) {
			c[ceSoftware] = ""
			d.quirk(SourceCMMS, "missing-firmware")
		}
		if both && b.chance(40) {
			if old := b.pickDept(m, d.dept.site); old != nil && old.name != d.Department {
				fl := old.floors[b.rng.IntN(len(old.floors))]
				c[ceDept], c[ceBuilding], c[ceFloor] = old.name, b.h.Sites[old.site].Buildings[old.building].Name, fl
				c[ceRoom] = roomName(old, fl, b.rng.IntN(1000))
				d.quirk(SourceCMMS, "old-location")
			}
		}
		if b.chance(30) {
			c[ceRoom] = ""
			d.quirk(SourceCMMS, "missing-room")
		}
		if b.chance(5) {
			c[ceSerial] = b.typo(d.Serial)
			d.quirk(SourceCMMS, "serial-typo")
		}
		if c[ceComments] == "" && b.chance(25) {
			c[ceComments] = b.ceComment(d)
		}
		rows = append(rows, r)
		if b.chance(10) {
			dup := &cmmsRow{d: d, cells: r.cells}
			eq += 1 + b.rng.IntN(4)
			dup.cells[ceEquipID] = fmt.Sprintf("%d", eq)
			b.ceSeq += 1 + b.rng.IntN(3)
			dup.cells[ceControl] = fmt.Sprintf("CE%06d", 100000+b.ceSeq)
			dup.cells[cePMDate] = ""
			dup.cells[ceComments] = "Re-registered after depot repair, see " + d.AssetTag
			d.quirk(SourceCMMS, "duplicate")
			rows = append(rows, dup)
		}
	}
	return rows
}

// ceComment returns a free-text comment, some with commas and quotes.
func (b *builder) ceComment(d *Device) string {
	switch b.rng.IntN(5) {
	case 0:
		return "Loaner from \"Central Supply\", return by " + b.h.Now.AddDate(0, 0, 14).Format("01/02/2006")
	case 1:
		return "PM due, battery replaced " + b.h.Now.AddDate(0, -3, 0).Format("01/02/2006")
	case 2:
		return "Wireless module upgraded, vendor FSN ref " + fmt.Sprintf("%d", 10000+b.rng.IntN(90000))
	case 3:
		return "Do not remove from " + d.Department + ", shared with float pool"
	}
	return "Recall notice reviewed; no action"
}

// firmwareIndex returns the index of the device's firmware in its model's
// version list, or -1.
func (b *builder) firmwareIndex(d *Device) int {
	for i, v := range d.m.firmware {
		if v == d.Firmware {
			return i
		}
	}
	return -1
}

// typo returns the serial with a typing error: two adjacent characters
// swapped, or a 0/O or 1/I confusion.
func (b *builder) typo(s string) string {
	bs := []byte(s)
	for i := range bs {
		switch bs[i] {
		case '0':
			if b.rng.IntN(3) == 0 {
				bs[i] = 'O'
				return string(bs)
			}
		case '1':
			if b.rng.IntN(3) == 0 {
				bs[i] = 'I'
				return string(bs)
			}
		}
	}
	for tries := 0; tries < 8 && len(bs) > 1; tries++ {
		i := b.rng.IntN(len(bs) - 1)
		if bs[i] != bs[i+1] {
			bs[i], bs[i+1] = bs[i+1], bs[i]
			return string(bs)
		}
	}
	return string(bs) + "0"
}

// writeCMMS writes the CMMS export: comma-delimited, CRLF line endings,
// UTF-8 without a byte-order mark, fields quoted only when needed.
func writeCMMS(w io.Writer, rows []*cmmsRow) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(cmmsHeader[:]); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(r.cells[:]); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// cmmsRecords returns the records an importer makes of the CMMS export;
// row i is on line i+2.
func cmmsRecords(rows []*cmmsRow, at time.Time) []*vigil.Record {
	recs := make([]*vigil.Record, 0, len(rows))
	for i, r := range rows {
		c := &r.cells
		f := map[string]string{}
		set(f, vigil.FieldAssetTag, c[ceControl])
		set(f, vigil.FieldSite, c[ceFacility])
		set(f, vigil.FieldManufacturer, r.d.m.maker) // as a complete alias table would
		set(f, vigil.FieldModel, c[ceModel])
		set(f, vigil.FieldSerial, c[ceSerial])
		set(f, vigil.FieldDeviceType, c[ceType])
		set(f, vigil.FieldDepartment, c[ceDept])
		set(f, vigil.FieldBuilding, c[ceBuilding])
		set(f, vigil.FieldFloor, c[ceFloor])
		set(f, vigil.FieldRoom, c[ceRoom])
		set(f, vigil.FieldFirmware, c[ceSoftware])
		set(f, vigil.FieldCriticality, string(criticalityFromCE(c[ceRisk])))
		set(f, vigil.FieldLifecycle, string(lifecycleFromName(c[ceStatus])))
		f[vigil.FieldStoresEPHI] = fmt.Sprint(c[ceEPHI] == "Yes")
		recs = append(recs, &vigil.Record{
			Origin:     vigil.Origin{File: FileCMMS, Line: i + 2},
			ObservedAt: at,
			Fields:     vigil.MakeFields(f),
		})
	}
	return recs
}

// set stores a non-empty value.
func set(f map[string]string, field, v string) {
	if v != "" {
		f[field] = v
	}
}

// criticalityFromCE reads a CMMS risk class back.
func criticalityFromCE(s string) vigil.Criticality {
	for _, c := range vigil.Criticalities {
		if ceRiskClass(c) == s {
			return c
		}
	}
	return vigil.CriticalityUnknown
}
