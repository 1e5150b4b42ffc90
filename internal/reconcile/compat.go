package reconcile

import "github.com/vigil-health/vigil"

// Temporary aliases while callers move to the root vocabulary (issue 10).
type (
	Role            = vigil.SourceRole
	Decision        = vigil.IdentityDecision
	Conflict        = vigil.Conflict
	FieldProvenance = vigil.FieldProvenance
	Precedence      = vigil.Precedence
)

const (
	RoleClinicalEngineering = vigil.SourceRoleClinicalEngineering
	RoleIT                  = vigil.SourceRoleIT
	RoleScanner             = vigil.SourceRoleScanner
	RoleNetwork             = vigil.SourceRoleNetwork
	RoleOther               = vigil.SourceRoleOther
	Newest                  = vigil.PrecedenceNewest
)

var Roles = vigil.SourceRoles

func DefaultPrecedence() Precedence { return vigil.DefaultPrecedence() }
