package binder

import (
	"strconv"

	"github.com/vigil-health/vigil/internal/cellsafe"
	"github.com/xuri/excelize/v2"
)

// inventorySheet is the workbook's one sheet.
const inventorySheet = "Inventory"

// inventoryColumns are the device fields, in order, with the count of
// this framework's controls each device fails.
var inventoryColumns = []string{"ID", "Asset tag", "Serial", "Manufacturer", "Model", "Device type", "Firmware",
	"MAC", "IP", "Host name", "Location", "Owner team", "Criticality", "Lifecycle", "Stores ePHI", "Sends ePHI",
	"Site ID", "Place ID", "First seen", "Last seen", "Controls failed"}

// writeInventory writes inventory.xlsx: one row per device, through
// excelize's stream writer.
func writeInventory(a *archive, b *book) error {
	failed := b.controlsFailedPerDevice()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", inventorySheet); err != nil {
		return err
	}
	// A fixed date: the same input gives the same workbook.
	if err := f.SetDocProps(&excelize.DocProperties{Title: "Device inventory", Creator: "Vigil",
		Description: b.in.Hospital + ", " + b.title() + ", as of " + date(b.in.At),
		Created:     b.in.At.UTC().Format("2006-01-02T15:04:05Z"), Modified: b.in.At.UTC().Format("2006-01-02T15:04:05Z")}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(inventorySheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 14, 16); err != nil {
		return err
	}
	head := make([]any, len(inventoryColumns))
	for i, c := range inventoryColumns {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := make([]any, len(inventoryColumns))
	for i := range b.in.Devices {
		d := &b.in.Devices[i]
		// Text that came from imported files is neutralised for
		// spreadsheets (internal/cellsafe); ids and counts stay numbers.
		t := cellsafe.Text
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = d.ID, t(d.AssetTag), t(d.Serial), t(d.Manufacturer), t(d.Model), t(d.DeviceType), t(d.Firmware)
		row[7], row[8], row[9], row[10], row[11], row[12], row[13] = t(d.MAC), t(d.IP), t(d.Hostname), t(d.Location), t(d.OwnerTeam), string(d.Criticality), string(d.Lifecycle)
		row[14], row[15], row[16], row[17] = yesNo(d.StoresEPHI), yesNo(d.SendsEPHI), optionalID(d.SiteID), optionalID(d.PlaceID)
		row[18], row[19], row[20] = date(d.FirstSeen), date(d.LastSeen), failed[d.ID]
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
	w, err := a.create(FileInventory)
	if err != nil {
		return err
	}
	return f.Write(w)
}

// controlsFailedPerDevice counts, for each device, the controls of the
// framework it fails.
func (b *book) controlsFailedPerDevice() map[int64]int {
	type mark struct{ last, n int }
	m := make(map[int64]*mark, len(b.in.Devices))
	for ci, c := range b.controls {
		if c.Eval == nil {
			continue
		}
		for _, f := range c.Eval.FailingDevices {
			k := m[f.ID]
			if k == nil {
				k = &mark{last: -1}
				m[f.ID] = k
			}
			if k.last != ci {
				k.last, k.n = ci, k.n+1
			}
		}
	}
	out := make(map[int64]int, len(m))
	for id, k := range m {
		out[id] = k.n
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// optionalID leaves an unset id blank.
func optionalID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
