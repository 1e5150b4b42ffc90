package vendors

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/store"
)

// agreementColumns maps the headers of a contract register (folded by
// vigil.VendorKey) to its fields.
var agreementColumns = map[string]string{
	"vendor": "vendor", "vendor name": "vendor", "supplier": "vendor", "company": "vendor", "business associate": "vendor", "counterparty": "vendor",
	"document": "document", "type": "document", "agreement": "document", "document type": "document", "agreement type": "document",
	"certification": "document", "report": "document", "contract type": "document",
	"issuer": "issuer", "auditor": "issuer", "certifying body": "issuer", "issued by": "issuer", "assessor": "issuer",
	"signed": "signed", "date signed": "signed", "signed on": "signed", "signature date": "signed", "execution date": "signed",
	"effective": "effective", "effective date": "effective", "start": "effective", "start date": "effective", "period start": "effective",
	"valid from": "effective", "issued": "effective", "issue date": "effective",
	"expires": "expires", "expiry": "expires", "expiry date": "expires", "expiration": "expires", "expiration date": "expires",
	"end date": "expires", "valid until": "expires", "valid to": "expires", "termination date": "expires",
	"renewal": "renewal", "renewal date": "renewal", "review date": "renewal", "next review": "renewal",
	"period end": "period end", "report period end": "period end",
	"scope": "scope", "services": "services", "data": "data", "data covered": "data", "notes": "scope",
}

// AgreementsResult says what importing a contract register did.
type AgreementsResult struct {
	Rows           int `json:"rows"`
	BAAs           int `json:"baas"`
	Certifications int `json:"certifications"`
	Unchanged      int `json:"unchanged"`
}

// ImportAgreements is ImportAgreementsList of data, under the default
// limits.
func (s *Service) ImportAgreements(ctx context.Context, actor *vigil.User, name string, data []byte) (*AgreementsResult, error) {
	return s.ImportAgreementsList(ctx, actor, ListBytes(name, data))
}

// ImportAgreementsList reads a contract register (CSV or XLSX): one row per
// business associate agreement version or certification report, naming
// its vendor (by name or alias), what it is (BAA, SOC 2 Type II, ISO/IEC
// 27001, HITRUST r2 or another report's name), its dates and scope. Rows
// already on file are left alone, so the register can be imported again
// as it grows; a BAA row that is new becomes the vendor's next version. The
// file is one transaction: a row that does not fit refuses it, naming the
// row. The file is held to l.Limits as it is read (List).
func (s *Service) ImportAgreementsList(ctx context.Context, actor *vigil.User, l List) (*AgreementsResult, error) {
	base := filepath.Base(l.Name)
	rows, err := readRows(l, "a contract register")
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: no agreements: the file needs a header row and at least one row", base)
	}
	field := make([]string, len(rows[0]))
	has := map[string]bool{}
	for i, h := range rows[0] {
		field[i] = agreementColumns[vigil.VendorKey(h)]
		has[field[i]] = true
	}
	if !has["vendor"] || !has["document"] {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: a contract register needs a vendor column and a document (BAA, SOC 2 Type II, ISO/IEC 27001...) column", base)
	}
	res := &AgreementsResult{}
	err = s.update(ctx, actor, func(tx *store.Tx) error {
		for n, r := range rows[1:] {
			if err := importAgreement(ctx, tx, actor, field, r, res); err != nil {
				return vigil.Errorf(vigil.ErrorCode(err), "%s row %d: %s", base, n+2, vigil.ErrorMessage(err))
			}
		}
		return tx.Audit(ctx, actor, "vendor.agreements.import", "agreement_list", base, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importAgreement reads one row and adds it unless it is on file.
func importAgreement(ctx context.Context, tx *store.Tx, actor *vigil.User, field, cells []string, res *AgreementsResult) error {
	row := map[string]string{}
	for i, c := range cells {
		if c = strings.TrimSpace(c); i < len(field) && field[i] != "" && c != "" {
			if row[field[i]] != "" {
				row[field[i]] += "; "
			}
			row[field[i]] += c
		}
	}
	if len(row) == 0 {
		return nil
	}
	res.Rows++
	if row["vendor"] == "" {
		return vigil.Errorf(vigil.EINVALID, "no vendor")
	}
	v, err := tx.VendorByName(ctx, row["vendor"])
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return vigil.Errorf(vigil.EINVALID, "no vendor %q in the register (import the vendor list first)", row["vendor"])
	} else if err != nil {
		return err
	}
	dates := map[string]time.Time{}
	for _, k := range []string{"signed", "effective", "expires", "renewal", "period end"} {
		if row[k] == "" {
			continue
		}
		t, err := ingest.ParseDate(row[k])
		if err != nil {
			return vigil.Errorf(vigil.EINVALID, "%s %q is not a date", k, row[k])
		}
		dates[k] = t
	}
	kind, certName := documentKind(row["document"])
	if kind == "" {
		b := &vigil.BAA{VendorID: v.ID, Signed: dates["signed"], Effective: dates["effective"], Expires: dates["expires"], Renewal: dates["renewal"],
			Services: splitList(row["services"] + ";" + row["scope"]), Data: splitList(row["data"])}
		if b.Signed.IsZero() {
			b.Signed = b.Effective
		}
		if err := b.Validate(); err != nil {
			return err
		}
		have, err := tx.FindBAAs(ctx, v.ID)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.Signed.Equal(b.Signed) && h.Effective.Equal(b.Effective) && h.Expires.Equal(b.Expires) && h.Renewal.Equal(b.Renewal) {
				res.Unchanged++
				return nil
			}
		}
		res.BAAs++
		return tx.AddBAA(ctx, actor, b)
	}
	c := &vigil.Certification{VendorID: v.ID, Kind: kind, Name: certName, Issuer: row["issuer"], Scope: row["scope"],
		PeriodStart: dates["effective"], PeriodEnd: dates["period end"], Expires: cmpOr(dates["expires"], dates["renewal"])}
	if err := c.Validate(); err != nil {
		return err
	}
	have, err := tx.FindCertifications(ctx, v.ID)
	if err != nil {
		return err
	}
	for _, h := range have {
		if h.Kind == c.Kind && h.Name == c.Name && h.Issuer == c.Issuer && h.Expires.Equal(c.Expires) {
			res.Unchanged++
			return nil
		}
	}
	res.Certifications++
	return tx.AddCertification(ctx, actor, c)
}

// documentKind reads what a row is: "" for a business associate
// agreement, else the certification's kind (and, for another kind, its
// name as written).
func documentKind(doc string) (vigil.CertKind, string) {
	k := vigil.VendorKey(doc)
	compact := strings.NewReplacer(" ", "", "-", "", "/", "", "_", "").Replace(k)
	switch {
	case k == "baa" || strings.Contains(k, "business associate") || strings.HasPrefix(compact, "baa"):
		return "", ""
	case strings.Contains(compact, "soc2"):
		return vigil.CertSOC2Type2, ""
	case strings.Contains(compact, "27001"):
		return vigil.CertISO27001, ""
	case strings.Contains(compact, "hitrust"):
		return vigil.CertHITRUSTr2, ""
	}
	return vigil.CertOtherKind, strings.TrimSpace(doc)
}

func cmpOr(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
