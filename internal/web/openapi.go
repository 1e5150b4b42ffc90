package web

import (
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/risk"
	"github.com/vigil-health/vigil/internal/vendors"
)

// Every /api/v1/ route of the route table (routes.go) has an entry here,
// under "METHOD PATH" exactly as registered: what it does, what it takes
// and what it answers. The route table says who may call it; the OpenAPI
// document (/api/v1/openapi.json, openapi_doc.go) and the API page
// (/docs/api) are built from both. TestOpenAPIDocumentsEveryRoute fails
// on a route without an entry and on an entry without a route.

// apiDoc describes one API route.
type apiDoc struct {
	Area    string // the group on the API page and the document's tag
	Summary string
	Desc    string     // more, in sentences
	Params  []apiParam // path parameters (In "path") and query parameters
	Body    *apiBody
	Resp    any    // a value of the answer's type (object for a map); a list's extra members
	Status  int    // the success status; 0 is 200
	Media   string // the answer's media type when it is not JSON
	List    *apiList
}

// apiParam is a path or query parameter; Of is a value of its type.
type apiParam struct {
	Name, In, Desc string
	Of             any
	Required       bool
}

// apiBody is a request body; Media defaults to application/json.
type apiBody struct {
	Media, Desc string
	Of          any
	Optional    bool
}

// apiList marks a list of the common shape (list.go): a value of its
// item's type, the name its items had before the shape, its default page
// size, its sort keys and whether ?format=csv|xlsx exports it.
type apiList struct {
	Item   any
	Old    string
	Limit  int
	Sort   []string
	Export bool
}

// The areas of the API page, in order.
var apiAreas = []string{"Account and tokens", "Inventory", "Reconciliation", "Network", "Vulnerabilities and risk",
	"Controls and checks", "Evidence", "Mock audits and plan", "Vendors", "Audit trail", "This API"}

func q(name, desc string, of any) apiParam {
	return apiParam{Name: name, In: "query", Desc: desc, Of: of}
}
func pp(name, desc string, of any) apiParam {
	return apiParam{Name: name, In: "path", Desc: desc, Of: of}
}
func jsonBody(of any) *apiBody { return &apiBody{Of: of} }

// sortKeys are a list's sort keys, from its columns.
func sortKeys[T any](cols []column[T]) []string {
	var out []string
	for _, c := range cols {
		if c.Cmp != nil {
			out = append(out, c.Key)
		}
	}
	return out
}

// apiDocs is the description table.
func apiDocs() map[string]apiDoc {
	var (
		deviceID = pp("id", "The device's id.", int64(0))
		asOf     = q("as_of", "Answer as the inventory stood then: a date (2006-01-02, its end) or an RFC 3339 time.", "")
		site     = q("site", "Only this site (its id).", int64(0))
	)
	const (
		acct, inv, rec, net, vul = "Account and tokens", "Inventory", "Reconciliation", "Network", "Vulnerabilities and risk"
		ctl, evd, rdy, vnd, aud  = "Controls and checks", "Evidence", "Mock audits and plan", "Vendors", "Audit trail"
		self                     = "This API"
	)
	return map[string]apiDoc{
		"GET /api/v1/openapi.json": {Area: self, Summary: "This document: the API in OpenAPI 3.1", Resp: anyJSON{}},

		// Account and tokens.
		"GET /api/v1/me": {Area: acct, Summary: "The caller", Resp: vigil.User{}},
		"POST /api/v1/me/password": {Area: acct, Summary: "Change one's own password", Desc: "Every session of the caller ends.", Status: 204,
			Body: jsonBody(object{{"current", "", ""}, {"new", "", ""}})},
		"GET /api/v1/users": {Area: acct, Summary: "The users", List: &apiList{Item: vigil.User{}, Old: "users", Limit: maxLimit}},
		"POST /api/v1/users": {Area: acct, Summary: "Add a user", Desc: "Without a password one is generated and answered once.", Status: 201,
			Body: jsonBody(object{{"name", "", ""}, {"role", vigil.RoleAuditor, "admin, compliance, clinical-engineering, it or auditor"}, {"password", "", "optional"}}),
			Resp: object{{"user", vigil.User{}, ""}, {"password", "", "the generated password, when none was given"}}},
		"PATCH /api/v1/users/{name}": {Area: acct, Summary: "Change a user's role, or disable or re-enable the user",
			Params: []apiParam{pp("name", "The user's name.", "")},
			Body:   jsonBody(object{{"role", vigil.RoleAuditor, "optional"}, {"disabled", false, "optional"}}), Resp: object{{"user", vigil.User{}, ""}}},
		"DELETE /api/v1/users/{name}/mfa": {Area: acct, Summary: "Reset a user's second factor (TOTP)", Params: []apiParam{pp("name", "The user's name.", "")},
			Resp: object{{"user", "", ""}, {"reset", true, "false when the user had none"}}},
		"GET /api/v1/tokens": {Area: acct, Summary: "The caller's API tokens (everyone's with all=1, for an admin)",
			Params: []apiParam{q("all", "1: every user's tokens (admins).", "")}, List: &apiList{Item: vigil.APIToken{}, Old: "tokens", Limit: maxLimit}},
		"POST /api/v1/tokens": {Area: acct, Summary: "Issue an API token", Status: 201,
			Desc: "The secret is answered once. An admin may issue one for another user (user). A script's first token comes from `vigil token create --user NAME` on the server.",
			Body: jsonBody(object{{"name", "", "what it is for"}, {"expires_in_days", 0, "1-366; 90 when absent"}, {"read_only", false, ""}, {"user", "", "another user (admins)"}}),
			Resp: object{{"token", vigil.APIToken{}, ""}, {"secret", "", "vgl_...: shown once"}}},
		"DELETE /api/v1/tokens/{id}": {Area: acct, Summary: "Revoke an API token", Status: 204, Params: []apiParam{pp("id", "The token's id.", int64(0))}},

		// Inventory.
		"GET /api/v1/devices": {Area: inv, Summary: "The devices",
			Params: []apiParam{q("q", "Search identifiers, manufacturer and model.", ""), q("type", "Device type.", ""),
				q("criticality", "Criticality.", vigil.Criticality("")), site, q("source", "Only devices a source reported.", ""),
				q("discrepancy", "Only devices with a discrepancy of this kind.", vigil.DiscrepancyKind("")), q("ephi", "true: only devices with ePHI.", ""), asOf},
			Resp: object{{"offset", 0, "the first item's index, as before the common shape"}},
			List: &apiList{Item: vigil.Device{}, Old: "devices", Limit: pageSize, Sort: sortKeys(deviceColumns), Export: true}},
		"GET /api/v1/devices/{id}": {Area: inv, Summary: "One device, with its type's FDA class and the GUDID record of its UDI", Params: []apiParam{deviceID},
			Resp: struct {
				vigil.Device
				FDAClass string             `json:"fda_class,omitempty"`
				GUDID    *vigil.GUDIDDevice `json:"gudid,omitempty"`
			}{}},
		"GET /api/v1/devices/{id}/facts": {Area: inv, Summary: "What each source says of a device", Params: []apiParam{deviceID},
			List: &apiList{Item: vigil.Fact{}, Old: "facts", Limit: maxLimit}},
		"GET /api/v1/devices/{id}/history": {Area: inv, Summary: "A device's versions over time", Params: []apiParam{deviceID},
			List: &apiList{Item: vigil.DeviceVersion{}, Old: "versions", Limit: maxLimit}},
		"GET /api/v1/devices/{id}/provenance": {Area: rec, Summary: "Where each field of a device comes from", Params: []apiParam{deviceID}, Resp: vigil.DeviceProvenance{}},
		"POST /api/v1/devices/{id}/fields": {Area: rec, Summary: "Set a field of a device by hand", Params: []apiParam{deviceID},
			Body: jsonBody(object{{"field", "", ""}, {"value", "", ""}}), Resp: vigil.Device{}},
		"GET /api/v1/counts": {Area: inv, Summary: "Device counts by type, criticality and site", Params: []apiParam{asOf}, Resp: vigil.DeviceCounts{}},
		"GET /api/v1/sites":  {Area: inv, Summary: "The sites", List: &apiList{Item: vigil.Site{}, Old: "sites", Limit: maxLimit}},
		"GET /api/v1/sources": {Area: inv, Summary: "The sources records come from",
			List: &apiList{Item: vigil.Source{}, Old: "sources", Limit: maxLimit}},
		"POST /api/v1/import": {Area: inv, Summary: "Import one file (CSV, XLSX, nmap XML, JSON Lines) sent as the body",
			Params: []apiParam{{Name: "source", In: "query", Desc: "The source's name.", Of: "", Required: true}, {Name: "filename", In: "query", Desc: "The file's name (its format by extension).", Of: "", Required: true},
				q("kind", "The source's kind.", vigil.SourceKind("")), q("role", "The source's role (admins only).", ""), q("sheet", "XLSX: the sheet.", ""),
				q("strict", "1: refuse the file on a bad row.", ""), q("format", "The file's format when its name does not say.", "")},
			Body: &apiBody{Media: "application/octet-stream", Of: fileBytes{}, Desc: "The file."},
			Resp: object{{"result", vigil.ImportResult{}, ""}, {"bad_rows", []ingest.RowError{}, ""}, {"mapping", []ingest.ColumnMapping{}, ""}}},

		// Reconciliation.
		"GET /api/v1/discrepancies": {Area: rec, Summary: "The discrepancies between sources",
			Desc: "Without page, limit or sort: every discrepancy under discrepancies with total, streamed as read (the older behaviour); with any of them, a page in the common shape.",
			Params: []apiParam{q("kind", "Only this kind.", vigil.DiscrepancyKind("")), q("device", "Only this device (its id).", int64(0)), site,
				q("all", "1: acknowledged ones too.", "")},
			List: &apiList{Item: struct {
				vigil.Discrepancy
				Key   string     `json:"key"`
				Acked *vigil.Ack `json:"acknowledged,omitempty"`
			}{}, Old: "discrepancies", Limit: discrepancyPageSize, Sort: sortKeys(discrepancyColumns), Export: true}},
		"POST /api/v1/discrepancies/ack": {Area: rec, Summary: "Acknowledge discrepancies with one note, in one transaction",
			Body: jsonBody(object{{"key", "", "a discrepancy's key"}, {"keys", []string{}, "more keys"}, {"note", "", "required"}}),
			Resp: object{{"acknowledged", true, ""}, {"count", 0, "discrepancies acknowledged"}}},
		"GET /api/v1/conflicts": {Area: rec, Summary: "Identity conflicts: records that may or may not be one device",
			List: &apiList{Item: vigil.Conflict{}, Old: "conflicts", Limit: 50, Sort: sortKeys(conflictColumns), Export: true}},
		"POST /api/v1/conflicts/decide": {Area: rec, Summary: "Decide whether records are one device, pair by pair, in one transaction",
			Body: jsonBody(object{{"a", "", "a record's key"}, {"b", "", "the other's"}, {"pairs", []inventory.RecordPair{}, "more pairs"},
				{"same", false, ""}, {"note", "", "why"}}),
			Resp: object{{"devices", 0, "live devices once re-resolved"}, {"decided", 0, "pairs decided"}}},
		"GET /api/v1/precedence": {Area: rec, Summary: "Which source's value wins, field by field", Resp: vigil.Precedence{}},
		"PUT /api/v1/precedence": {Area: rec, Summary: "Set the precedence", Body: jsonBody(vigil.Precedence{}), Resp: vigil.Precedence{}},

		// Network.
		"GET /api/v1/network/segments": {Area: net, Summary: "Conversations between network segments",
			List: &apiList{Item: vigil.SegmentFlow{}, Old: "segments", Limit: maxLimit}},
		"GET /api/v1/network/findings": {Area: net, Summary: "What the network showed about devices",
			Params: []apiParam{q("code", "Only this finding.", "")}, List: &apiList{Item: vigil.DeviceFinding{}, Old: "findings", Limit: maxLimit}},
		"GET /api/v1/network/runs": {Area: net, Summary: "The recorded discovery runs, newest first",
			List: &apiList{Item: object{{"id", int64(0), ""}, {"actor", "", ""}, {"files", []string{}, ""}, {"recorded_at", time.Time{}, ""},
				{"first_seen", time.Time{}, ""}, {"last_seen", time.Time{}, ""}, {"packets", int64(0), ""}, {"bytes", int64(0), ""},
				{"devices", 0, ""}, {"flows", 0, ""}}, Old: "runs", Limit: 100}},
		"GET /api/v1/devices/{id}/network": {Area: net, Summary: "A device as the network sees it", Params: []apiParam{deviceID}, Resp: vigil.NetworkView{}},

		// Vulnerabilities and risk.
		"GET /api/v1/vulnerabilities": {Area: vul, Summary: "The vulnerabilities",
			Params: []apiParam{q("q", "Search ids, aliases and descriptions.", ""), q("kev", "1: only CISA KEV.", ""), q("affecting", "1: only those affecting a device.", ""), asOf},
			List:   &apiList{Item: vigil.VulnSummary{}, Old: "vulnerabilities", Limit: 200, Sort: sortKeys(vulnColumns), Export: true}},
		"GET /api/v1/vulnerabilities/{id}": {Area: vul, Summary: "One vulnerability and its matches", Params: []apiParam{pp("id", "The CVE (or other) id.", "")},
			Resp: object{{"vulnerability", vigil.Vulnerability{}, ""}, {"matches", []vigil.VulnMatch{}, ""}}},
		"GET /api/v1/advisories": {Area: vul, Summary: "The vendor advisories",
			List: &apiList{Item: vigil.AdvisorySummary{}, Old: "advisories", Limit: 100, Sort: sortKeys(advisoryColumns), Export: true}},
		"GET /api/v1/advisories/{id}": {Area: vul, Summary: "One advisory and its matches", Params: []apiParam{pp("id", "The advisory's id.", "")},
			Resp: object{{"advisory", vigil.Advisory{}, ""}, {"matches", []vigil.VulnMatch{}, ""}}},
		"GET /api/v1/risk": {Area: vul, Summary: "The risk worklist, most urgent first",
			Params: []apiParam{q("decision", "Only this SSVC decision: Act, Attend, Track* or Track.", ""), q("kev", "1: only KEV.", ""), q("type", "Device type.", ""), site,
				q("all", "1: devices with nothing open too.", ""), asOf},
			List: &apiList{Item: risk.Assessment{}, Old: "worklist", Limit: pageSize, Sort: sortKeys(riskColumns), Export: true}},
		"GET /api/v1/devices/{id}/vulnerabilities": {Area: vul, Summary: "A device's vulnerability matches", Params: []apiParam{deviceID},
			List: &apiList{Item: vigil.VulnMatch{}, Old: "matches", Limit: maxLimit}},
		"GET /api/v1/devices/{id}/risk": {Area: vul, Summary: "A device's risk assessment (null when it has none)", Params: []apiParam{deviceID},
			Resp: object{{"assessment", risk.Assessment{}, ""}}},
		"POST /api/v1/feeds": {Area: vul, Summary: "Import one feed or SBOM file sent as the body",
			Params: []apiParam{{Name: "filename", In: "query", Desc: "The file's name.", Of: "", Required: true}},
			Body:   &apiBody{Media: "application/octet-stream", Of: fileBytes{}, Desc: "The file."}, Resp: vigil.FeedResult{}},

		// Controls, checks and attestations.
		"GET /api/v1/frameworks": {Area: ctl, Summary: "The frameworks, each with its latest evaluation",
			List: &apiList{Item: frameworkJSON{}, Old: "frameworks", Limit: maxLimit}},
		"GET /api/v1/frameworks/{framework}": {Area: ctl, Summary: "A framework with every control",
			Params: []apiParam{pp("framework", "The framework's id (hipaa, csf2, ...).", "")}, Resp: vigil.Framework{}},
		"GET /api/v1/frameworks/{framework}/evaluation": {Area: ctl, Summary: "A stored evaluation: the latest, or ?id=",
			Params: []apiParam{pp("framework", "The framework's id.", ""), q("id", "A run's id.", int64(0))}, Resp: vigil.Evaluation{}},
		"GET /api/v1/frameworks/{framework}/evaluations": {Area: ctl, Summary: "The stored evaluations without their controls, newest first",
			Params: []apiParam{pp("framework", "The framework's id.", "")},
			List:   &apiList{Item: vigil.EvaluationSummary{}, Old: "evaluations", Limit: 100}},
		"POST /api/v1/evaluations": {Area: ctl, Summary: "Evaluate now and store the run",
			Desc: "With a framework it answers that evaluation; without, a list of every framework's.",
			Body: &apiBody{Of: object{{"framework", "", "optional"}, {"at", "", "optional: a date or RFC 3339 time"}}, Optional: true}, Resp: vigil.Evaluation{}},
		"GET /api/v1/checks": {Area: ctl, Summary: "The checks", List: &apiList{Item: checkSummary{}, Old: "checks", Limit: maxLimit}},
		"POST /api/v1/checks": {Area: ctl, Summary: "Store a check file (a new check, or a new version of the one it names)", Status: 201,
			Body: jsonBody(checkRequest{}), Resp: object{{"check", checkSummary{}, ""}, {"version", vigil.CheckVersion{}, ""}}},
		"POST /api/v1/checks/test": {Area: ctl, Summary: "Run a check file against the inventory without storing it", Body: jsonBody(object{{"source", "", "the check file (YAML)"}}),
			Resp: object{{"id", "", ""}, {"title", "", ""}, {"passed", 0, ""}, {"failed", 0, ""}, {"not_applicable", 0, ""}, {"errors", 0, ""},
				{"failing", []compliance.DeviceResult{}, ""}, {"more", 0, "failures not listed"}}},
		"GET /api/v1/checks/{id}": {Area: ctl, Summary: "A check's current version, its file and every version", Params: []apiParam{pp("id", "The check's id.", "")},
			Resp: object{{"check", checkSummary{}, ""}, {"source", "", ""}, {"versions", []vigil.CheckVersion{}, ""}}},
		"PUT /api/v1/checks/{id}": {Area: ctl, Summary: "Store a new version of a check, or turn it on or off", Params: []apiParam{pp("id", "The check's id.", "")},
			Body: jsonBody(checkRequest{}), Resp: object{{"check", checkSummary{}, ""}, {"version", vigil.CheckVersion{}, ""}}},
		"GET /api/v1/attestations": {Area: ctl, Summary: "The attestations in force", Params: []apiParam{q("framework", "Only this framework's.", "")},
			List: &apiList{Item: attestationJSON{}, Old: "attestations", Limit: maxLimit}},
		"POST /api/v1/attestations": {Area: ctl, Summary: "Record an attestation", Status: 201,
			Body: jsonBody(object{{"control", "", "framework:control"}, {"owner", "", ""}, {"answer", vigil.VerdictMet, ""}, {"date", "", "2006-01-02 or RFC 3339"},
				{"next_due", "", ""}, {"notes", "", ""}, {"evidence", []int64{}, "the ids of the evidence it rests on"}}),
			Resp: attestationJSON{}},

		// Evidence.
		"GET /api/v1/evidence": {Area: evd, Summary: "The evidence, newest first",
			Params: []apiParam{q("control", "framework:control.", ""), q("area", "An evidence area.", vigil.EvidenceArea("")), q("device", "A device's id.", int64(0)),
				q("all_versions", "true: superseded versions too.", "")},
			List: &apiList{Item: vigil.Evidence{}, Old: "evidence", Limit: 100, Sort: sortKeys(evidenceColumns), Export: true}},
		"POST /api/v1/evidence": {Area: evd, Summary: "Store evidence (a multipart upload)", Status: 201,
			Body: &apiBody{Media: "multipart/form-data", Of: object{{"file", fileBytes{}, ""}, {"title", "", ""}, {"controls", "", "framework:control, space or comma separated"},
				{"area", "", ""}, {"devices", "", "ids"}, {"effective", "", "FROM[..TO]"}, {"expires", "", ""}, {"supersedes", "", "an evidence id: a new version of it"}}},
			Resp: vigil.Evidence{}},
		"GET /api/v1/evidence/{id}": {Area: evd, Summary: "One version of evidence with every version of its chain", Params: []apiParam{pp("id", "The evidence's id.", int64(0))},
			Resp: object{{"evidence", vigil.Evidence{}, ""}, {"versions", []vigil.Evidence{}, ""}}},
		"GET /api/v1/evidence/{id}/content": {Area: evd, Summary: "The evidence's file", Params: []apiParam{pp("id", "The evidence's id.", int64(0))},
			Media: "application/octet-stream", Resp: fileBytes{}},
		"DELETE /api/v1/evidence/{id}": {Area: evd, Summary: "Delete one version of evidence", Status: 204,
			Params: []apiParam{pp("id", "The evidence's id.", int64(0)), q("force", "true: within the retention period.", ""), q("reason", "Why, when forced.", "")}},

		// Mock audits and the plan.
		"GET /api/v1/plan": {Area: rdy, Summary: "The remediation plan",
			Params: []apiParam{q("status", "open or closed.", vigil.PlanStatus("")), q("owner", "", ""), q("kind", "", vigil.PlanKind("")), q("framework", "", "")},
			List:   &apiList{Item: vigil.PlanItem{}, Limit: maxLimit}},
		"POST /api/v1/audits/mock": {Area: rdy, Summary: "Run a mock audit", Status: 201,
			Body: jsonBody(object{{"framework", "", ""}, {"sample", 0, "devices to sample (10)"}, {"seed", int64(0), "optional: the same seed draws the same audit"}}),
			Resp: vigil.MockAudit{}},
		"GET /api/v1/audits/{id}": {Area: rdy, Summary: "A stored mock audit with its requests", Params: []apiParam{pp("id", "The audit's id.", int64(0))}, Resp: vigil.MockAudit{}},

		// Vendors.
		"GET /api/v1/vendors": {Area: vnd, Summary: "The vendor register, highest tier first",
			Params: []apiParam{q("kind", "Vendor kind.", ""), q("tier", "Risk tier.", "")},
			Resp:   object{{"offset", 0, "the first item's index, as before the common shape"}},
			List:   &apiList{Item: vendors.Summary{}, Old: "vendors", Limit: 100, Sort: sortKeys(vendorColumns), Export: true}},
		"POST /api/v1/vendors": {Area: vnd, Summary: "Register a vendor", Status: 201, Body: jsonBody(vigil.Vendor{}), Resp: vigil.Vendor{}},
		"GET /api/v1/vendors/expiring": {Area: vnd, Summary: "BAAs and certifications missing, expired or expiring for vendors touching ePHI",
			Params: []apiParam{q("within", "A span: days (60d, the default), weeks (8w) or a duration (36h).", "")},
			Resp:   object{{"within", "", ""}}, List: &apiList{Item: oversight.Gap{}, Old: "gaps", Limit: maxLimit}},
		"GET /api/v1/vendors/sessions": {Area: vnd, Summary: "Vendor remote sessions seen on the network, and the findings about them",
			Params: []apiParam{q("vendor", "A vendor's id or name; unknown for sessions of no known vendor.", ""), q("device", "A device's id.", int64(0)), asOf},
			Resp:   object{{"findings", []oversight.SessionFinding{}, "every finding about the same vendors and devices, not paged"}},
			List:   &apiList{Item: oversight.Session{}, Old: "sessions", Limit: maxLimit}},
		"POST /api/v1/vendors/import": {Area: vnd, Summary: "Import a vendor list (CSV or XLSX)",
			Body: &apiBody{Media: "multipart/form-data", Of: object{{"file", fileBytes{}, ""}}}, Resp: vendors.ImportResult{}},
		"GET /api/v1/vendors/{id}": {Area: vnd, Summary: "A vendor's profile: devices, risk, BAAs and certifications", Params: []apiParam{pp("id", "The vendor's id.", int64(0))},
			Resp: vendors.Profile{}},
		"POST /api/v1/vendors/{id}/baas": {Area: vnd, Summary: "Record a new version of a vendor's BAA", Status: 201, Params: []apiParam{pp("id", "The vendor's id.", int64(0))},
			Desc: "A JSON BAA, or a multipart form with the web form's fields and the signed copy in file.", Body: jsonBody(vigil.BAA{}), Resp: vigil.BAA{}},
		"POST /api/v1/vendors/{id}/certifications": {Area: vnd, Summary: "Record a vendor's certification", Status: 201, Params: []apiParam{pp("id", "The vendor's id.", int64(0))},
			Desc: "A JSON certification, or a multipart form with the web form's fields and the report in file.", Body: jsonBody(vigil.Certification{}), Resp: vigil.Certification{}},
		"GET /api/v1/mds2": {Area: vnd, Summary: "The MDS2 forms on file, without their questions",
			Params: []apiParam{q("all", "true: every version, not only the newest of each model.", "")},
			List:   &apiList{Item: vigil.MDS2Form{}, Old: "forms", Limit: maxLimit}},
		"POST /api/v1/mds2": {Area: vnd, Summary: "Import an MDS2 form (XLSX or CSV, 2019 layout)", Status: 201,
			Body: &apiBody{Media: "multipart/form-data", Of: object{{"file", fileBytes{}, ""}, {"manufacturer", "", "optional"}, {"model", "", "optional"}}}, Resp: vigil.MDS2Form{}},
		"GET /api/v1/mds2/{id}": {Area: vnd, Summary: "One MDS2 form with every question", Params: []apiParam{pp("id", "The form's id.", int64(0))}, Resp: vigil.MDS2Form{}},

		// Audit trail.
		"GET /api/v1/audit": {Area: aud, Summary: "The audit trail, newest first",
			Params: []apiParam{q("object_type", "Only events about this kind of object.", ""), q("object_id", "Only events about this object.", "")},
			List:   &apiList{Item: vigil.AuditEvent{}, Old: "events", Limit: 100, Sort: sortKeys(auditColumns), Export: true}},
		"GET /api/v1/audit/verify": {Area: aud, Summary: "Verify the audit trail's chain",
			Resp: object{{"checked", 0, "events checked"}, {"ok", true, ""}, {"break", vigil.AuditBreak{}, "the first event whose link does not hold, or null"}}},
	}
}
