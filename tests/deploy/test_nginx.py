"""deploy/nginx/hub.conf: parsed as nginx would (crossplane: directives, contexts, arguments),
TLS everywhere, client certificates optional on 443 and required on 8443."""

from __future__ import annotations

from pathlib import Path

import crossplane
import pytest

from tests.deploy.support import DEPLOY

NGINX = DEPLOY / "nginx"


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    work = tmp_path_factory.mktemp("nginx")
    (work / "hub-proxy.inc").write_text((NGINX / "hub-proxy.inc").read_text())
    (work / "hub.conf").write_text((NGINX / "hub.conf").read_text().replace(
        "/etc/nginx/conf.d/hub-proxy.inc", str(work / "hub-proxy.inc")))
    (work / "nginx.conf").write_text(f"events {{}}\nhttp {{\n    include {work / 'hub.conf'};\n}}\n")
    result = crossplane.parse(str(work / "nginx.conf"), strict=True, check_ctx=True, check_args=True)
    inside_map = _map_lines((NGINX / "hub.conf").read_text())  # crossplane takes map entries
    errors = [e for c in result["config"] for e in c["errors"]  # for directives
              if not (e["error"].startswith("unknown directive") and e["line"] in inside_map)]
    assert not errors, errors
    (hub_conf,) = [c for c in result["config"] if c["file"].endswith("hub.conf")]
    return hub_conf["parsed"]


def _map_lines(text: str) -> set[int]:
    lines, inside = set(), False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("map "):
            inside = True
        elif inside and line.startswith("}"):
            inside = False
        elif inside:
            lines.add(number)
    return lines


def servers(parsed: list[dict]) -> dict[str, list[dict]]:
    found = {}
    for block in parsed:
        if block["directive"] == "server":
            listen = next(d["args"][0] for d in block["block"] if d["directive"] == "listen")
            found[listen] = block["block"]
    return found


def directive(block: list[dict], name: str) -> list[str] | None:
    return next((d["args"] for d in block if d["directive"] == name), None)


def test_the_configuration_parses_with_known_directives_in_their_places(parsed: list[dict]) -> None:
    assert {"upstream", "map", "server"} <= {d["directive"] for d in parsed}
    assert set(servers(parsed)) == {"80", "443", "8443"}


def test_partners_may_present_a_certificate_on_443_and_must_on_8443(parsed: list[dict]) -> None:
    by_port = servers(parsed)
    assert directive(by_port["443"], "ssl_verify_client") == ["optional"]
    assert directive(by_port["8443"], "ssl_verify_client") == ["on"]
    for port in ("443", "8443"):
        assert directive(by_port[port], "ssl_client_certificate") == ["/etc/nginx/certs/partners-ca.crt"]
        assert directive(by_port[port], "ssl_protocols") == ["TLSv1.2", "TLSv1.3"]
        assert "ssl" in directive(by_port[port], "listen")


def test_only_the_partner_api_is_served_on_the_mutual_tls_port(parsed: list[dict]) -> None:
    locations = {tuple(d["args"]): d["block"] for d in servers(parsed)["8443"] if d["directive"] == "location"}
    assert locations[("/",)] == [{"directive": "return", "line": locations[("/",)][0]["line"], "args": ["404"]}]
    assert ("/api/v1/",) in locations


def test_plain_http_only_redirects_and_metrics_stay_inside(parsed: list[dict]) -> None:
    plain = {tuple(d["args"]): d["block"] for d in servers(parsed)["80"] if d["directive"] == "location"}
    assert directive(plain[("/",)], "return") == ["301", "https://$host$request_uri"]
    tls = {tuple(d["args"]): d["block"] for d in servers(parsed)["443"] if d["directive"] == "location"}
    assert directive(tls[("=", "/metrics")], "deny") == ["all"]


def test_client_certificate_headers_come_from_nginx_never_from_the_client() -> None:
    proxy = (NGINX / "hub-proxy.inc").read_text()
    assert "proxy_set_header X-Client-Verify $ssl_client_verify;" in proxy
    assert "proxy_set_header X-Client-Subject $hub_client_subject;" in proxy


def test_the_dev_certificate_script_makes_what_hub_conf_expects(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    shutil.copy(NGINX / "make-dev-certs.sh", tmp_path / "make-dev-certs.sh")
    subprocess.run(["bash", str(tmp_path / "make-dev-certs.sh")], check=True, capture_output=True)
    made = {p.name for p in (tmp_path / "certs").iterdir()}
    assert {"hub.crt", "hub.key", "partners-ca.crt", "partner.crt", "partner.key"} <= made
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "certs" / "partners-ca.crt"),
                             str(tmp_path / "certs" / "partner.crt")], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
