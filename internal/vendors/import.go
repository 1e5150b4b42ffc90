package vendors

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/store"
)

// List is a list handed to an import (a vendor list, a contract register,
// an end-of-life list): its name, its Size bytes at R, and the limits it
// is held to as it is read (zero fields are their defaults): its size,
// rows and what they hold (--max-file-bytes), rows (--max-rows), columns,
// a value, a record, and for a workbook the depth of its XML and what its
// parts unpack to, each checked as the file streams (mds2.ReadTable). A
// list takes ListShare of the file and row limits.
type List struct {
	Name   string
	R      io.ReaderAt
	Size   int64
	Limits bound.Limits
}

// ListShare is the part of --max-file-bytes and --max-rows a list may
// take, as mds2.TableOptions.Share: a quarter, 128 MiB and 250,000 rows by
// default, far past the thousands of vendors, contracts or models of the
// largest hospital. A list is held whole, a cell at 16 bytes more than its
// text: a quarter keeps a crafted one (a thousand one-byte columns a row)
// near 150 MiB, where the whole 512 MiB took 586 MiB of memory.
const ListShare = 4

// ListBytes is the list data named name, under the default limits.
func ListBytes(name string, data []byte) List {
	return List{Name: name, R: bytes.NewReader(data), Size: int64(len(data))}
}

// ImportResult says what importing a vendor list did.
type ImportResult struct {
	Rows    int `json:"rows"`
	Added   int `json:"added"`
	Updated int `json:"updated"`
}

// columns maps header synonyms (folded by vigil.VendorKey) to the fields of
// a vendor list.
var columns = map[string]string{
	"vendor": "name", "vendor name": "name", "name": "name", "company": "name", "supplier": "name", "manufacturer": "name", "organisation": "name", "organization": "name",
	"kind": "kind", "type": "kind", "vendor type": "kind", "category": "kind", "vendor kind": "kind",
	"aliases": "aliases", "alias": "aliases", "aka": "aliases", "also known as": "aliases", "other names": "aliases", "dba": "aliases",
	"models": "models", "model": "models", "products": "models", "devices": "models", "product": "models",
	"products serviced": "models", "models serviced": "models", "serviced models": "models", "equipment serviced": "models",
	"serviced products": "models", "service scope": "models", "models covered": "models", "covered models": "models",
	"contact": "contact", "contact name": "contact", "primary contact": "contact", "account manager": "contact",
	"email": "email", "e-mail": "email", "contact email": "email", "mail": "email",
	"phone": "phone", "telephone": "phone", "contact phone": "phone", "tel": "phone",
	"notes": "notes", "comments": "notes", "remarks": "notes",
	"endpoints": "endpoints", "endpoint": "endpoints", "remote endpoints": "endpoints", "remote access": "endpoints",
	"remote access endpoints": "endpoints", "remote addresses": "endpoints", "remote hosts": "endpoints",
	"remote tool": "tool", "remote access tool": "tool", "tool": "tool",
}

// kinds maps the words vendor lists use for a kind to the register's.
var kinds = map[string]vigil.VendorKind{
	"": vigil.VendorManufacturer, "manufacturer": vigil.VendorManufacturer, "oem": vigil.VendorManufacturer, "maker": vigil.VendorManufacturer,
	"service provider": vigil.VendorServiceProvider, "service-provider": vigil.VendorServiceProvider, "service": vigil.VendorServiceProvider,
	"services": vigil.VendorServiceProvider, "isp": vigil.VendorServiceProvider, "biomed services": vigil.VendorServiceProvider,
	"software": vigil.VendorSoftware, "software vendor": vigil.VendorSoftware, "saas": vigil.VendorCloud,
	"cloud": vigil.VendorCloud, "cloud provider": vigil.VendorCloud, "hosting": vigil.VendorCloud,
}

// Import is ImportList of data, under the default limits.
func (s *Service) Import(ctx context.Context, actor *vigil.User, name string, data []byte) (*ImportResult, error) {
	return s.ImportList(ctx, actor, ListBytes(name, data))
}

// ImportList reads an existing vendor list (CSV or XLSX, columns mapped by
// their usual names) and adds its vendors, or merges a row into the vendor
// its name or an alias already names, in one transaction: a row that does
// not fit refuses the whole file, naming the row.
func (s *Service) ImportList(ctx context.Context, actor *vigil.User, l List) (*ImportResult, error) {
	name := l.Name
	rows, err := readRows(l, "a vendor list")
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: no vendors: the file needs a header row and at least one vendor", filepath.Base(name))
	}
	field := make([]string, len(rows[0]))
	hasName := false
	for i, h := range rows[0] {
		field[i] = columns[vigil.VendorKey(h)]
		hasName = hasName || field[i] == "name"
	}
	if !hasName {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: no vendor name column (vendor, name, company, supplier or manufacturer)", filepath.Base(name))
	}
	res := &ImportResult{}
	err = s.update(ctx, actor, func(tx *store.Tx) error {
		for n, r := range rows[1:] {
			in, err := rowVendor(field, r)
			if err != nil {
				return vigil.Errorf(vigil.EINVALID, "%s row %d: %s", filepath.Base(name), n+2, vigil.ErrorMessage(err))
			}
			if in == nil {
				continue
			}
			res.Rows++
			v, err := tx.VendorByName(ctx, in.Name)
			if vigil.ErrorCode(err) == vigil.ENOTFOUND {
				v, err = nil, nil
				for _, a := range in.Aliases {
					if v, err = tx.VendorByName(ctx, a); vigil.ErrorCode(err) != vigil.ENOTFOUND {
						break
					}
					v, err = nil, nil
				}
			}
			if err != nil {
				return err
			}
			if v == nil {
				v, res.Added = in, res.Added+1
			} else {
				merge(v, in)
				res.Updated++
			}
			if err := tx.SaveVendor(ctx, actor, v); err != nil {
				return vigil.Errorf(vigil.ErrorCode(err), "%s row %d: %s", filepath.Base(name), n+2, vigil.ErrorMessage(err))
			}
		}
		return tx.Audit(ctx, actor, "vendor.import", "vendor_list", filepath.Base(name), res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// rowVendor reads one row; nil for an empty row.
func rowVendor(field, cells []string) (*vigil.Vendor, error) {
	v := &vigil.Vendor{}
	var c vigil.VendorContact
	empty, tool := true, ""
	for i, cell := range cells {
		cell = strings.TrimSpace(cell)
		if i >= len(field) || cell == "" {
			continue
		}
		empty = false
		switch field[i] {
		case "name":
			v.Name = cell
		case "kind":
			k, ok := kinds[vigil.VendorKey(cell)]
			if !ok {
				return nil, vigil.Errorf(vigil.EINVALID, "unknown vendor kind %q", cell)
			}
			v.Kind = k
		case "aliases":
			v.Aliases = append(v.Aliases, splitList(cell)...)
		case "models":
			v.Models = append(v.Models, splitList(cell)...)
		case "contact":
			c.Name = cell
		case "email":
			c.Email = cell
		case "phone":
			c.Phone = cell
		case "notes":
			v.Notes = cell
		case "endpoints":
			v.Endpoints = append(v.Endpoints, parseEndpoints(cell)...)
		case "tool":
			tool = cell
		}
	}
	if empty {
		return nil, nil
	}
	for i := range v.Endpoints {
		if v.Endpoints[i].Tool == "" {
			v.Endpoints[i].Tool = tool
		}
	}
	if c != (vigil.VendorContact{}) {
		v.Contacts = []vigil.VendorContact{c}
	}
	return v, v.Validate()
}

// merge adds what a row says to a registered vendor: its aliases, models
// and contacts, and its kind and notes when given.
func merge(v, in *vigil.Vendor) {
	if in.Name != v.Name && vigil.VendorKey(in.Name) != vigil.VendorKey(v.Name) {
		v.Aliases = append(v.Aliases, in.Name)
	}
	v.Aliases = append(v.Aliases, in.Aliases...)
	v.Models = append(v.Models, in.Models...)
	v.Endpoints = append(v.Endpoints, in.Endpoints...)
	for _, c := range in.Contacts {
		found := false
		for _, have := range v.Contacts {
			found = found || have == c
		}
		if !found {
			v.Contacts = append(v.Contacts, c)
		}
	}
	if in.Notes != "" {
		v.Notes = in.Notes
	}
	if in.Kind != "" && in.Kind != vigil.VendorManufacturer {
		v.Kind = in.Kind
	}
}

// parseEndpoints reads a cell of endpoints separated as splitList
// separates them: each "kind:value" (address, host, tls-name, cert-org) or
// a plain value, an address when it is an IP address or CIDR block and a
// host name otherwise, either followed by its tool in brackets
// ("address:203.0.113.0/28 (GE InSite)"). Vendor.Validate checks them.
func parseEndpoints(cell string) []vigil.VendorEndpoint {
	var out []vigil.VendorEndpoint
	for _, item := range splitList(cell) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		e := vigil.VendorEndpoint{Value: item}
		if v, tool, ok := strings.Cut(item, " ("); ok && strings.HasSuffix(tool, ")") {
			item, e.Value, e.Tool = strings.TrimSpace(v), strings.TrimSpace(v), strings.TrimSpace(strings.TrimSuffix(tool, ")"))
		}
		if k, v, ok := strings.Cut(item, ":"); ok && slices.Contains(vigil.EndpointKinds, vigil.EndpointKind(strings.ToLower(strings.TrimSpace(k)))) {
			e.Kind, e.Value = vigil.EndpointKind(strings.ToLower(strings.TrimSpace(k))), v
		} else if _, err := netip.ParsePrefix(item); err == nil {
			e.Kind = vigil.EndpointAddress
		} else if _, err := netip.ParseAddr(item); err == nil {
			e.Kind = vigil.EndpointAddress
		} else {
			e.Kind = vigil.EndpointHost
		}
		out = append(out, e)
	}
	return out
}

// splitList splits a cell holding several names on semicolons, bars and
// line breaks (not commas, which company names contain).
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == '\n' || r == '\r' })
}

// readRows reads every row of a CSV (comma, semicolon or tab separated,
// UTF-8 with or without a byte order mark) or of an XLSX file's first
// sheet, told apart by content, held to l.Limits as it streams; what names
// the kind of list for an error.
func readRows(l List, what string) ([][]string, error) {
	base := filepath.Base(l.Name)
	var out [][]string
	err := mds2.ReadTable(base, l.R, l.Size, mds2.TableOptions{Limits: l.Limits, Share: ListShare, FirstSheet: true, What: what},
		func(sheet string, rows [][]string) (bool, error) {
			out = rows
			if sheet != "" {
				return true, nil
			}
			for _, r := range rows {
				for _, c := range r {
					if !utf8.ValidString(c) {
						return true, vigil.Errorf(vigil.EINVALID, "%s: %s must be UTF-8 text or an XLSX workbook", base, what)
					}
				}
			}
			return true, nil
		})
	var fe *mds2.Error
	if errors.As(err, &fe) {
		return nil, vigil.WrapError(vigil.EINVALID, fe.Error(), fe)
	}
	return out, err
}
