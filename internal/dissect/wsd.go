package dissect

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// WSD is a decoded WS-Discovery SOAP-over-UDP message (port 3702), used by
// printers, scanners, cameras and Windows hosts.
type WSD struct {
	Action    string   // the last path element of the WS-Addressing action: "Hello", "Probe", "Resolve", "ProbeMatches", ...
	ActionURI string   // the full action URI
	MessageID string   // urn:uuid:...
	Address   string   // the endpoint reference address of the device (urn:uuid:...)
	Types     []string // the device types (e.g. "wsdp:Device", "wprt:PrintDeviceType")
	Scopes    []string
	XAddrs    []string // transport addresses (URLs) of the device
}

// wsdMaxTokens bounds the XML tokens read from one datagram.
const wsdMaxTokens = 4096

// ParseWSD decodes a WS-Discovery message. Go's XML decoder does not fetch
// external entities, so hostile DTDs are harmless.
func ParseWSD(b []byte) (*WSD, error) {
	if !bytes.Contains(b, []byte("Envelope")) {
		return nil, fmt.Errorf("wsd: byte 0: not a SOAP envelope: %w", ErrMalformed)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	m := &WSD{}
	var path []string
	inEPR := false
	for n := 0; n < wsdMaxTokens; n++ {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("wsd: byte %d: %v: %w", d.InputOffset(), err, ErrMalformed)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			if t.Name.Local == "EndpointReference" {
				inEPR = true
			}
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			if t.Name.Local == "EndpointReference" {
				inEPR = false
			}
		case xml.CharData:
			if len(path) == 0 {
				continue
			}
			text := strings.TrimSpace(string(t))
			if text == "" {
				continue
			}
			text = wireText([]byte(text))
			switch path[len(path)-1] {
			case "Action":
				m.ActionURI = text
				m.Action = text[strings.LastIndexByte(text, '/')+1:]
			case "MessageID":
				m.MessageID = text
			case "Address":
				if inEPR && m.Address == "" {
					m.Address = text
				}
			case "Types":
				m.Types = append(m.Types, strings.Fields(text)...)
			case "Scopes":
				m.Scopes = append(m.Scopes, strings.Fields(text)...)
			case "XAddrs":
				m.XAddrs = append(m.XAddrs, strings.Fields(text)...)
			}
		}
	}
	if m.Action == "" {
		return m, fmt.Errorf("wsd: no WS-Addressing action: %w", ErrMalformed)
	}
	return m, nil
}
