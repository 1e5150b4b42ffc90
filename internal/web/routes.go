package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

// access says who may call a route.
type access struct {
	public bool             // no sign-in needed
	perm   vigil.Permission // "" means any signed-in user may call it (read)
	// beforeMFA marks the routes an admin who must set up a second factor
	// may still call: setting it up, and signing out.
	beforeMFA bool
}

var (
	public = access{public: true}
	read   = access{}
	// enrol is for setting up one's own second factor.
	enrol   = access{perm: vigil.PermSelf, beforeMFA: true}
	signOut = access{beforeMFA: true}
)

func need(p vigil.Permission) access { return access{perm: p} }

// route is one registered endpoint.
type route struct {
	method, path string
	access       access
	h            handler
}

// registerRoutes declares every route Vigil serves, with the access each
// needs. A test walks this table and proves the access is enforced.
func (s *Server) registerRoutes() {
	s.routes = []route{
		// Public.
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/static/", public, s.static},
		{"GET", "/login", public, s.loginPage},
		{"POST", "/login", public, s.login},
		// The second step of a sign-in with a second factor; the session
		// waiting for it is checked by the handlers.
		{"GET", "/login/mfa", public, s.mfaStepPage},
		{"POST", "/login/mfa", public, s.mfaStep},
		// Single sign-on: 404 unless configured.
		{"GET", "/login/oidc", public, s.oidcStart},
		{"GET", "/login/oidc/callback", public, s.oidcCallback},

		// Pages.
		{"GET", "/{$}", read, s.dashboard},
		{"POST", "/logout", signOut, s.logout},
		{"GET", "/devices", read, s.deviceList},
		{"GET", "/devices/{id}", read, s.devicePage},
		{"GET", "/audit", read, s.auditPage},
		{"GET", "/account", read, s.accountPage},
		{"POST", "/account/tokens", need(vigil.PermSelf), s.createToken},
		{"POST", "/account/tokens/{id}/revoke", need(vigil.PermSelf), s.revokeToken},
		{"POST", "/account/password", need(vigil.PermSelf), s.changePassword},
		{"GET", "/account/mfa", access{beforeMFA: true}, s.mfaPage},
		{"POST", "/account/mfa", enrol, s.mfaBegin},
		{"POST", "/account/mfa/confirm", enrol, s.mfaConfirm},
		{"POST", "/account/mfa/disable", need(vigil.PermSelf), s.mfaDisable},
		{"GET", "/users", need(vigil.PermUsersAdmin), s.usersPage},
		{"POST", "/users", need(vigil.PermUsersAdmin), s.createUser},
		{"POST", "/users/{name}/role", need(vigil.PermUsersAdmin), s.setUserRole},
		{"POST", "/users/{name}/disabled", need(vigil.PermUsersAdmin), s.setUserDisabled},
		{"POST", "/users/{name}/mfa/reset", need(vigil.PermUsersAdmin), s.resetUserMFA},

		// Metrics need a sign-in too: device counts are hospital data.
		{"GET", "/metrics", read, s.metricsHandler},

		// JSON API.
		{"GET", "/api/v1/me", read, s.apiMe},
		{"GET", "/api/v1/devices", read, s.apiDevices},
		{"GET", "/api/v1/devices/{id}", read, s.apiDevice},
		{"GET", "/api/v1/devices/{id}/facts", read, s.apiDeviceFacts},
		{"GET", "/api/v1/devices/{id}/history", read, s.apiDeviceHistory},
		{"GET", "/api/v1/counts", read, s.apiCounts},
		{"GET", "/api/v1/sites", read, s.apiSites},
		{"GET", "/api/v1/sources", read, s.apiSources},
		{"GET", "/api/v1/audit", read, s.apiAudit},
		{"GET", "/api/v1/audit/verify", read, s.apiAuditVerify},
		{"GET", "/api/v1/users", need(vigil.PermUsersAdmin), s.apiUsers},
		{"POST", "/api/v1/users", need(vigil.PermUsersAdmin), s.apiCreateUser},
		{"PATCH", "/api/v1/users/{name}", need(vigil.PermUsersAdmin), s.apiUpdateUser},
		{"DELETE", "/api/v1/users/{name}/mfa", need(vigil.PermUsersAdmin), s.apiResetMFA},
		{"POST", "/api/v1/me/password", need(vigil.PermSelf), s.apiChangePassword},
		{"GET", "/api/v1/tokens", read, s.apiTokens},
		{"POST", "/api/v1/tokens", need(vigil.PermSelf), s.apiCreateToken},
		{"DELETE", "/api/v1/tokens/{id}", need(vigil.PermSelf), s.apiRevokeToken},

		// Reconciliation pages.
		{"GET", "/discrepancies", read, s.discrepanciesPage},
		{"POST", "/discrepancies/ack", need(vigil.PermInventoryWrite), s.ackDiscrepancy},
		{"GET", "/conflicts", read, s.conflictsPage},
		{"POST", "/conflicts/decide", need(vigil.PermInventoryWrite), s.decideConflict},
		{"GET", "/sources", read, s.sourcesPage},
		{"POST", "/sources/role", need(vigil.PermUsersAdmin), s.setSourceRole},
		{"POST", "/precedence", need(vigil.PermUsersAdmin), s.setPrecedence},
		{"POST", "/devices/{id}/fields", need(vigil.PermInventoryWrite), s.setDeviceField},

		// Reconciliation API.
		{"GET", "/api/v1/discrepancies", read, s.apiDiscrepancies},
		{"POST", "/api/v1/discrepancies/ack", need(vigil.PermInventoryWrite), s.apiAckDiscrepancy},
		{"GET", "/api/v1/conflicts", read, s.apiConflicts},
		{"POST", "/api/v1/conflicts/decide", need(vigil.PermInventoryWrite), s.apiDecide},
		{"GET", "/api/v1/precedence", read, s.apiPrecedence},
		{"PUT", "/api/v1/precedence", need(vigil.PermUsersAdmin), s.apiSetPrecedence},
		{"GET", "/api/v1/devices/{id}/provenance", read, s.apiProvenance},
		{"POST", "/api/v1/devices/{id}/fields", need(vigil.PermInventoryWrite), s.apiSetField},
		{"POST", "/api/v1/import", need(vigil.PermInventoryWrite), s.apiImport},

		// Network page and API.
		{"GET", "/network", read, s.networkPage},
		{"GET", "/api/v1/network/segments", read, s.apiSegments},
		{"GET", "/api/v1/network/findings", read, s.apiFindings},
		{"GET", "/api/v1/network/runs", read, s.apiRuns},
		{"GET", "/api/v1/devices/{id}/network", read, s.apiDeviceNetwork},

		// Vulnerability and risk pages.
		{"GET", "/vulnerabilities", read, s.vulnsPage},
		{"GET", "/vulnerabilities/{id}", read, s.vulnPage},
		{"GET", "/advisories", read, s.advisoriesPage},
		{"GET", "/advisories/{id}", read, s.advisoryPage},
		{"GET", "/risk", read, s.riskPage},

		// Vulnerability and risk API.
		{"GET", "/api/v1/vulnerabilities", read, s.apiVulns},
		{"GET", "/api/v1/vulnerabilities/{id}", read, s.apiVuln},
		{"GET", "/api/v1/advisories", read, s.apiAdvisories},
		{"GET", "/api/v1/advisories/{id}", read, s.apiAdvisory},
		{"GET", "/api/v1/risk", read, s.apiRisk},
		{"GET", "/api/v1/devices/{id}/vulnerabilities", read, s.apiDeviceVulns},
		{"GET", "/api/v1/devices/{id}/risk", read, s.apiDeviceRisk},
		{"POST", "/api/v1/feeds", need(vigil.PermComplianceWrite), s.apiFeedUpload},

		// Controls, checks and attestations pages. Testing a check stores
		// nothing but runs arbitrary expressions over the inventory: it is
		// part of editing, so it needs the write permission too.
		{"GET", "/controls", read, s.controlsOverview},
		{"POST", "/controls/evaluate", need(vigil.PermComplianceWrite), s.evaluateNow},
		{"GET", "/controls/{framework}", read, s.frameworkPage},
		{"GET", "/controls/{framework}/{control...}", read, s.controlPage},
		{"GET", "/checks", read, s.checksPage},
		{"POST", "/checks", need(vigil.PermComplianceWrite), s.saveCheck},
		{"GET", "/checks/new", need(vigil.PermComplianceWrite), s.newCheckPage},
		{"GET", "/checks/{id}", read, s.checkPage},
		{"POST", "/checks/{id}", need(vigil.PermComplianceWrite), s.saveCheck},
		{"POST", "/checks/{id}/test", need(vigil.PermComplianceWrite), s.testCheck},
		{"POST", "/checks/{id}/enabled", need(vigil.PermComplianceWrite), s.setCheckEnabled},
		{"GET", "/attestations", read, s.attestationsPage},
		{"POST", "/attestations", need(vigil.PermComplianceWrite), s.attest},

		// Controls, checks and attestations API.
		{"GET", "/api/v1/frameworks", read, s.apiFrameworks},
		{"GET", "/api/v1/frameworks/{framework}", read, s.apiFramework},
		{"GET", "/api/v1/frameworks/{framework}/evaluation", read, s.apiEvaluation},
		{"GET", "/api/v1/frameworks/{framework}/evaluations", read, s.apiEvaluations},
		{"POST", "/api/v1/evaluations", need(vigil.PermComplianceWrite), s.apiEvaluate},
		{"GET", "/api/v1/checks", read, s.apiChecks},
		{"POST", "/api/v1/checks", need(vigil.PermComplianceWrite), s.apiCreateCheck},
		{"POST", "/api/v1/checks/test", need(vigil.PermComplianceWrite), s.apiTestCheck},
		{"GET", "/api/v1/checks/{id}", read, s.apiCheck},
		{"PUT", "/api/v1/checks/{id}", need(vigil.PermComplianceWrite), s.apiUpdateCheck},
		{"GET", "/api/v1/attestations", read, s.apiAttestations},
		{"POST", "/api/v1/attestations", need(vigil.PermComplianceWrite), s.apiAttest},

		// Evidence pages and API: everyone signed in reads and downloads
		// (auditors among them); admins and compliance add; only admins
		// delete, and the store refuses anyone else too.
		{"GET", "/evidence", read, s.evidencePage},
		{"POST", "/evidence", need(vigil.PermComplianceWrite), s.uploadEvidence},
		{"GET", "/evidence/{id}", read, s.evidenceItemPage},
		{"GET", "/evidence/{id}/content", read, s.evidenceContent},
		{"POST", "/evidence/{id}/versions", need(vigil.PermComplianceWrite), s.uploadEvidence},
		{"POST", "/evidence/{id}/delete", need(vigil.PermUsersAdmin), s.deleteEvidence},
		{"GET", "/api/v1/evidence", read, s.apiEvidence},
		{"POST", "/api/v1/evidence", need(vigil.PermComplianceWrite), s.apiAddEvidence},
		{"GET", "/api/v1/evidence/{id}", read, s.apiEvidenceItem},
		{"GET", "/api/v1/evidence/{id}/content", read, s.evidenceContent},
		{"DELETE", "/api/v1/evidence/{id}", need(vigil.PermUsersAdmin), s.apiDeleteEvidence},

		// Mock audits and the remediation plan: auditors read, compliance
		// and admins run audits and set owners and due dates.
		{"GET", "/plan", read, s.planPage},
		{"POST", "/plan/{id}", need(vigil.PermComplianceWrite), s.setPlanItem},
		{"GET", "/audits", read, s.auditsPage},
		{"POST", "/audits", need(vigil.PermComplianceWrite), s.runMockAudit},
		{"GET", "/api/v1/plan", read, s.apiPlan},
		{"POST", "/api/v1/audits/mock", need(vigil.PermComplianceWrite), s.apiMockAudit},
		{"GET", "/api/v1/audits/{id}", read, s.apiMockAuditGet},

		// Vendor oversight: the register, BAAs, certifications and MDS2
		// forms. Everyone signed in reads; compliance and admins change.
		{"GET", "/vendors", read, s.vendorsPage},
		{"POST", "/vendors", need(vigil.PermComplianceWrite), s.addVendor},
		{"POST", "/vendors/import", need(vigil.PermComplianceWrite), s.importVendors},
		{"GET", "/vendors/{id}", read, s.vendorPage},
		{"GET", "/vendors/sessions", read, s.vendorSessionsPage},
		{"POST", "/vendors/{id}/baas", need(vigil.PermComplianceWrite), s.addBAA},
		{"POST", "/vendors/{id}/certifications", need(vigil.PermComplianceWrite), s.addCertification},
		{"GET", "/models", read, s.modelsPage},
		{"GET", "/mds2", read, s.mds2Page},
		{"POST", "/mds2", need(vigil.PermComplianceWrite), s.importMDS2},
		{"GET", "/mds2/{id}", read, s.mds2FormPage},
		{"GET", "/api/v1/vendors", read, s.apiVendors},
		{"POST", "/api/v1/vendors", need(vigil.PermComplianceWrite), s.apiAddVendor},
		{"GET", "/api/v1/vendors/expiring", read, s.apiVendorsExpiring},
		{"GET", "/api/v1/vendors/sessions", read, s.apiVendorSessions},
		{"POST", "/api/v1/vendors/import", need(vigil.PermComplianceWrite), s.apiImportVendors},
		{"GET", "/api/v1/vendors/{id}", read, s.apiVendor},
		{"POST", "/api/v1/vendors/{id}/baas", need(vigil.PermComplianceWrite), s.apiAddBAA},
		{"POST", "/api/v1/vendors/{id}/certifications", need(vigil.PermComplianceWrite), s.apiAddCertification},
		{"GET", "/api/v1/mds2", read, s.apiMDS2Forms},
		{"POST", "/api/v1/mds2", need(vigil.PermComplianceWrite), s.apiImportMDS2},
		{"GET", "/api/v1/mds2/{id}", read, s.apiMDS2Form},

		// The API described: the OpenAPI document and the API page, both
		// built from this table and apiDocs (openapi.go).
		{"GET", "/api/v1/openapi.json", read, s.apiOpenAPI},
		{"GET", "/docs/api", read, s.apiDocsPage},
	}
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	s.mux.Handle("/", s.wrap(route{method: "", path: "/", access: read, h: s.notFound}))
}

// Routes lists the registered method and path pairs with whether each is
// public and the permission it needs; tests use it.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, 0, len(s.routes))
	for _, rt := range s.routes {
		out = append(out, RouteInfo{Method: rt.method, Path: rt.path, Public: rt.access.public, Perm: rt.access.perm})
	}
	return out
}

// RouteInfo describes one route for tests and documentation.
type RouteInfo struct {
	Method, Path string
	Public       bool
	Perm         vigil.Permission
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return vigil.Errorf(vigil.ENOTFOUND, "no such page")
}
