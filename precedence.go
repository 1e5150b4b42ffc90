package vigil

// PrecedenceNewest is the precedence entry that ranks every source not
// listed before it equally, so the newest observation wins among them.
const PrecedenceNewest = "newest"

// Precedence says, per field, which source's value wins. Each list holds
// source names, roles ("clinical-engineering", "it", ...), kinds
// ("inventory", "scanner", ...) or PrecedenceNewest, best first. A source
// takes the rank of the first entry that names it, its role or its kind;
// sources no entry names rank last. Among equal ranks the newest observation
// wins, then the source name, then the record ref. It is a plain value the
// store saves as JSON and an admin can edit.
type Precedence struct {
	Fields  map[string][]string `json:"fields"`  // canonical field name → entries
	Default []string            `json:"default"` // for fields not in Fields
}

// DefaultPrecedence returns the built-in rules: a person's manual entry first,
// then clinical engineering for what a device is and where it stands, IT for
// host name and IP, and the newest observation for firmware.
func DefaultPrecedence() Precedence {
	ce := []string{string(SourceManual), string(SourceRoleClinicalEngineering), string(SourceRoleIT), string(SourceInventory)}
	it := []string{string(SourceManual), string(SourceRoleIT), string(SourceRoleNetwork), string(SourceRoleScanner), string(SourceRoleClinicalEngineering)}
	p := Precedence{Fields: map[string][]string{}, Default: ce}
	for _, f := range []string{
		FieldModel, FieldSerial, FieldManufacturer, FieldAssetTag,
		FieldSite, FieldBuilding, FieldFloor, FieldDepartment,
		FieldRoom, FieldLocation,
	} {
		p.Fields[f] = ce
	}
	p.Fields[FieldHostname] = it
	p.Fields[FieldIP] = it
	p.Fields[FieldMAC] = it
	p.Fields[FieldFirmware] = []string{string(SourceManual), PrecedenceNewest}
	return p
}

// Validate checks that every field is canonical and no entry is empty.
func (p *Precedence) Validate() error {
	check := func(field string, list []string) error {
		for _, e := range list {
			if e == "" {
				return Errorf(EINVALID, "precedence for %q has an empty entry", field)
			}
		}
		return nil
	}
	for f, list := range p.Fields {
		if !IsField(f) {
			return Errorf(EINVALID, "precedence names unknown field %q", f)
		}
		if err := check(f, list); err != nil {
			return err
		}
	}
	return check("default", p.Default)
}

// List returns the entries that apply to a field.
func (p *Precedence) List(field string) []string {
	if l, ok := p.Fields[field]; ok {
		return l
	}
	return p.Default
}
