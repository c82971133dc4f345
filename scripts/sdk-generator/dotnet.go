//go:build dotnet

package main

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"net/http"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// blankLogoURL names the package logo the C# generator embeds. The generator downloads
// the logo (Pulumi's, from GitHub, when the schema has no logoUrl), and GitHub is out of
// reach here: a protocol of our own answers with a blank 64x64 PNG instead.
const blankLogoURL = "bw-pulumi:///logo.png"

type blankLogo struct{}

func (blankLogo) RoundTrip(*http.Request) (*http.Response, error) {
	var image64 bytes.Buffer
	if err := png.Encode(&image64, image.NewNRGBA(image.Rect(0, 0, 64, 64))); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": []string{"image/png"}},
		Body:       io.NopCloser(&image64),
	}, nil
}

func init() {
	http.DefaultTransport.(*http.Transport).RegisterProtocol("bw-pulumi", blankLogo{})
	generators["dotnet"] = func(pkg *schema.Package) (map[string][]byte, error) {
		pkg.LogoURL = blankLogoURL
		return dotnet.GeneratePackage(tool, pkg, nil, nil)
	}
}
