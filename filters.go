package vigil

import "time"

// DiscrepancyFilter selects discrepancies.
type DiscrepancyFilter struct {
	Kind     DiscrepancyKind
	DeviceID int64
	SiteID   int64 // only the devices of this hospital
	// All includes acknowledged discrepancies.
	All bool
	// Limit, when positive, returns at most that many, after skipping
	// Offset: one page of the list.
	Limit, Offset int
}

// StoredDiscrepancy is a discrepancy as the store keeps it: with the stable
// key an acknowledgement names, and the acknowledgement when a person gave
// one.
type StoredDiscrepancy struct {
	Discrepancy
	Key   string `json:"-"`
	Acked *Ack   `json:"-"`
}

// Ack is a person's acknowledgement of a discrepancy.
type Ack struct {
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
	Note  string    `json:"note"`
}

// DeviceVersion is one resolved state of a device and when it held.
type DeviceVersion struct {
	Device    *Device    `json:"device"`
	ValidFrom time.Time  `json:"valid_from"`
	ValidTo   *time.Time `json:"valid_to,omitempty"`
}

// VulnFilter selects vulnerabilities.
type VulnFilter struct {
	Query     string // id, alias or description text
	KEV       bool   // only those in CISA's KEV catalog
	Affecting bool   // only those matched to at least one device as affected
	// At, when set, lists the vulnerabilities matched to devices then (the
	// match spans open at that time) with those spans' device counts;
	// NotAffected is then 0: the history keeps affected matches only.
	At     *time.Time
	Limit  int
	Offset int
}

// VulnSummary is a vulnerability with how many devices it is matched to.
type VulnSummary struct {
	*Vulnerability
	MaxCVSS     float64 `json:"max_cvss"`
	Devices     int     `json:"devices"`      // devices matched with status affected
	NotAffected int     `json:"not_affected"` // devices matched but not affected (VEX, fixed)
}

// MatchFilter selects vulnerability matches.
type MatchFilter struct {
	DeviceID   int64
	VulnID     string
	AdvisoryID string
	Status     ProductStatus
}

// AdvisorySummary is an advisory with how many devices it is matched to.
type AdvisorySummary struct {
	*Advisory
	Devices int `json:"devices"`
}

// RiskFilter selects the devices whose risk to assess.
type RiskFilter struct {
	DeviceID   int64
	SiteID     int64
	DeviceType string
	// OpenOnly leaves out the devices with no open vulnerability (every
	// match fixed, not affected or remediated): the worklist's default.
	OpenOnly bool
	// At, when set, assesses the matches open then (the match history, which
	// keeps affected matches only) against the devices and the network
	// observations as they stood then.
	At *time.Time
}
