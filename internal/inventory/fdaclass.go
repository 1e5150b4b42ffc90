package inventory

// FDAClass returns the FDA device class the taxonomy gives a device type:
// "I", "II", "III", or "" for a type that is not a medical device or that
// the taxonomy does not know.
func (s *Service) FDAClass(deviceType string) string {
	if t, ok := s.cls.Type(deviceType); ok {
		return t.FDAClass
	}
	return ""
}
