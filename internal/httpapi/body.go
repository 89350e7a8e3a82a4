package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// bindJSON decodes a small JSON body strictly: unknown fields, trailing data
// and oversized bodies are EInvalid / ETooLarge with a clear message.
func bindJSON(c *gin.Context, dst any) error {
	return decodeJSON(c, dst, MaxJSONBody)
}

func decodeJSON(c *gin.Context, dst any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return loyalty.Errorf(loyalty.ETooLarge, "body exceeds %d bytes", limit)
		}
		return loyalty.Errorf(loyalty.EInvalid, "could not read body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return loyalty.Errorf(loyalty.EInvalid, "body is not valid JSON for this endpoint: %s", jsonProblem(err))
	}
	if dec.More() {
		return loyalty.Errorf(loyalty.EInvalid, "body has data after the JSON value")
	}
	return nil
}

// jsonProblem describes a decode error without echoing the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at offset " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "field " + te.Field + " must be " + te.Type.String()
	case errors.Is(err, io.EOF):
		return "empty body"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return "unknown field" // the name is the client's text: never echoed
	}
	return "malformed"
}
