package xmlscan

import "bytes"

// scanText reads character data up to the next '<'.
func (s *Scanner) scanText() error {
	d := s.data
	i, plain := s.pos, true
	for i < len(d) {
		c := d[i]
		if xmlClass[c]&cText == 0 {
			i++
			continue
		}
		switch {
		case c == '<':
			s.text, s.plain, s.cdata, s.pos = d[s.pos:i], plain, false, i
			return nil
		case c == '&':
			n, err := s.reference(i)
			if err != nil {
				return err
			}
			i, plain = i+n, false
		case c == ']':
			if bytes.HasPrefix(d[i:], []byte("]]>")) {
				return s.Errorf(i, "unescaped ]]> not in CDATA section")
			}
			if s.src != nil && len(d)-i < 3 && bytes.HasPrefix([]byte("]]>"), d[i:]) {
				// The window may cut a "]]>": end the text before it, or
				// ask for more when nothing comes before it.
				if i == s.pos {
					return s.eof()
				}
				s.text, s.plain, s.cdata, s.pos = d[s.pos:i], plain, false, i
				return nil
			}
			i++
		case c == '\r':
			i, plain = i+1, false
		default:
			n, err := s.char(i)
			if err != nil {
				return err
			}
			i += n
		}
	}
	s.text, s.plain, s.cdata, s.pos = d[s.pos:i], plain, false, i
	return nil
}

// scanStartTag reads <name attr="value" ...> or <name .../>.
func (s *Scanner) scanStartTag() error {
	d := s.data
	i := s.pos + 1
	end, err := s.ScanName(i)
	if err != nil {
		return err
	}
	if end == i {
		return s.Errorf(i, "expected element name after <")
	}
	if s.maxDepth > 0 && len(s.open) >= s.maxDepth {
		return &DepthError{Line: s.Line(s.pos), Offset: s.base + s.pos, Max: s.maxDepth}
	}
	s.name, s.attrs, s.selfClose = d[i:end], s.attrs[:0], false
	i = end
	for {
		j := s.SkipSpace(i)
		if j >= len(d) {
			return s.eof()
		}
		if d[j] == '>' {
			i = j + 1
			break
		}
		if d[j] == '/' {
			if j+1 >= len(d) {
				return s.eof()
			}
			if d[j+1] != '>' {
				return s.Errorf(j, "expected /> in element")
			}
			i, s.selfClose = j+2, true
			break
		}
		if j == i {
			return s.Errorf(j, "expected white space before an attribute in element")
		}
		nameEnd, err := s.ScanName(j)
		if err != nil {
			return err
		}
		if nameEnd == j {
			return s.Errorf(j, "expected attribute name in element")
		}
		k := s.SkipSpace(nameEnd)
		if k >= len(d) {
			return s.eof()
		}
		if d[k] != '=' {
			return s.Errorf(k, "attribute name without = in element")
		}
		k = s.SkipSpace(k + 1)
		if k >= len(d) {
			return s.eof()
		}
		a := Attr{Name: d[j:nameEnd]}
		if a.value, a.plain, i, err = s.scanAttrValue(k); err != nil {
			return err
		}
		for _, b := range s.attrs {
			if bytes.Equal(b.Name, a.Name) {
				return s.Errorf(j, "attribute %s appears twice in element", quoted(a.Name))
			}
		}
		s.attrs = append(s.attrs, a)
	}
	s.pos = i
	if !s.selfClose {
		name := s.name
		if len(s.open) == 0 {
			name = bytes.Clone(name) // the root's name outlives the window
		}
		s.open = append(s.open, name)
	}
	return nil
}

// scanAttrValue reads a quoted value starting at data[i] and returns it
// raw, whether it is plain, and where it ends.
func (s *Scanner) scanAttrValue(i int) (value []byte, plain bool, end int, err error) {
	d := s.data
	q := d[i]
	if q != '"' && q != '\'' {
		return nil, false, 0, s.Errorf(i, "unquoted or missing attribute value in element")
	}
	start := i + 1
	plain = true
	for i = start; i < len(d); {
		c := d[i]
		if xmlClass[c]&cAttr == 0 {
			i++
			continue
		}
		switch {
		case c == q:
			return d[start:i], plain, i + 1, nil
		case c == '"' || c == '\'':
			i++
		case c == '<':
			return nil, false, 0, s.Errorf(i, "unescaped < inside quoted string")
		case c == '&':
			n, err := s.reference(i)
			if err != nil {
				return nil, false, 0, err
			}
			i, plain = i+n, false
		case c == '\r':
			i, plain = i+1, false
		default:
			n, err := s.char(i)
			if err != nil {
				return nil, false, 0, err
			}
			i += n
		}
	}
	return nil, false, 0, s.eof()
}

// needName scans the name that must start at i; at the end of the data it
// asks for more, else an empty name is the error msg.
func (s *Scanner) needName(i int, msg string) (int, error) {
	end, err := s.ScanName(i)
	if err != nil {
		return 0, err
	}
	if end == i {
		if i >= len(s.data) {
			return 0, s.eof()
		}
		return 0, s.Errorf(i, "%s", msg)
	}
	return end, nil
}

// scanEndTag reads </name> and checks it closes the open element.
func (s *Scanner) scanEndTag() error {
	d := s.data
	i := s.pos + 2
	end, err := s.needName(i, "expected element name after </")
	if err != nil {
		return err
	}
	s.name = d[i:end]
	j := s.SkipSpace(end)
	if j >= len(d) {
		return s.eof()
	}
	if d[j] != '>' {
		return s.Errorf(j, "invalid characters between </%s and >", quoted(s.name))
	}
	if len(s.open) == 0 {
		return s.Errorf(s.pos, "unexpected end element </%s>", quoted(s.name))
	}
	if top := s.open[len(s.open)-1]; !bytes.Equal(top, s.name) {
		return s.Errorf(s.pos, "element <%s> closed by </%s>", quoted(top), quoted(s.name))
	}
	s.open = s.open[:len(s.open)-1]
	s.pos = j + 1
	return nil
}

// until returns the offset of the first term at or after i, having checked
// that the characters before it are allowed; without one, it checks what
// there is and asks for more data.
func (s *Scanner) until(i int, term string) (int, error) {
	d := s.data
	k := bytes.Index(d[i:], []byte(term))
	if k < 0 {
		if err := s.chars(i, len(d)); err != nil {
			return 0, err
		}
		return 0, s.eof()
	}
	return i + k, s.chars(i, i+k)
}

// scanComment reads <!-- ... -->; "--" may only end it.
func (s *Scanner) scanComment() error {
	d := s.data
	i := s.pos + 4
	k, err := s.until(i, "--")
	if err != nil {
		return err
	}
	if k+2 >= len(d) {
		return s.eof()
	}
	if d[k+2] != '>' {
		return s.Errorf(k, `invalid sequence "--" not allowed in comments`)
	}
	s.pos = k + 3
	return nil
}

// scanPI reads <?target ...?>. The target xml (in any case) is reserved
// for the XML declaration, which Prolog reads.
func (s *Scanner) scanPI() error {
	d := s.data
	i := s.pos + 2
	end, err := s.needName(i, "expected target name after <?")
	if err != nil {
		return err
	}
	if bytes.EqualFold(d[i:end], []byte("xml")) {
		return s.Errorf(s.pos, "XML declaration not at the start of the document")
	}
	s.text = d[i:end]
	if bytes.HasPrefix(d[end:], []byte("?>")) {
		s.pos = end + 2
		return nil
	}
	if end >= len(d) || end+1 >= len(d) && d[end] == '?' {
		return s.eof()
	}
	if xmlClass[d[end]]&cSpace == 0 {
		return s.Errorf(end, "expected white space after the processing instruction target")
	}
	k, err := s.until(end, "?>")
	if err != nil {
		return err
	}
	s.pos = k + 2
	return nil
}

// scanCDATA reads <![CDATA[ ... ]]>, inside an element only.
func (s *Scanner) scanCDATA() error {
	d := s.data
	if len(s.open) == 0 {
		return s.Errorf(s.pos, "CDATA section outside the root element")
	}
	i := s.pos + len("<![CDATA[")
	k, err := s.until(i, "]]>")
	if err != nil {
		return err
	}
	s.text, s.cdata = d[i:k], true
	s.plain = bytes.IndexByte(s.text, '\r') < 0
	s.pos = k + 3
	return nil
}

// scanDoctype finds the end of <!DOCTYPE ...> the way encoding/xml does:
// quoted '>' and '<' do not count, nested <...> do, and comments are
// skipped. s.text is what lies between "<!" and the closing '>'; the
// caller decides what it may hold (Text gives it).
func (s *Scanner) scanDoctype() error {
	d := s.data
	i := s.pos + 2
	var quote byte
	depth := 0
	for ; i < len(d); i++ {
		c := d[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>' && depth == 0:
			if err := s.chars(s.pos, i); err != nil {
				return err
			}
			s.text, s.pos = d[s.pos+2:i], i+1
			return nil
		case c == '>':
			depth--
		case c == '<':
			if bytes.HasPrefix(d[i:], []byte("<!--")) {
				k := bytes.Index(d[i+4:], []byte("-->"))
				if k < 0 {
					return s.eof()
				}
				i += 4 + k + 2
				continue
			}
			depth++
		}
	}
	return s.eof()
}
