//! A small client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/rules`,
//! `/api/v1/alerts`): authentication, timeouts, and errors that name the URL and the cause.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub struct Auth {
    pub bearer_token: Option<String>,
    /// `user:password`.
    pub basic: Option<(String, String)>,
}

pub struct Prometheus {
    base: String,
    client: reqwest::blocking::Client,
    auth: Auth,
    requests: AtomicUsize,
}

/// One series of an instant vector: its labels and value.
#[derive(Debug, Clone)]
pub struct Sample {
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map_or("", String::as_str)
    }
}

impl Prometheus {
    pub fn new(
        url: &str,
        auth: Auth,
        ca_file: Option<&Path>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let base = url.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| format!("--prometheus {url}: not a URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "--prometheus {url}: the scheme must be http or https"
            ));
        }
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout);
        if let Some(path) = ca_file {
            let pem =
                std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| format!("--ca-file {}: not PEM certificates ({e})", path.display()))?;
            if certificates.is_empty() {
                return Err(format!(
                    "--ca-file {}: holds no PEM certificate",
                    path.display()
                ));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Prometheus {
            base,
            client,
            auth,
            requests: AtomicUsize::new(0),
        })
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// How many HTTP requests were made so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// An instant query evaluated now.
    pub fn query(&self, promql: &str) -> Result<Vec<Sample>, String> {
        let data = self.get("/api/v1/query", &[("query", promql)])?;
        let result_type = data["resultType"].as_str().unwrap_or("");
        if result_type != "vector" {
            return Err(self.fail(
                "/api/v1/query",
                &format!("query `{promql}` returned a {result_type}, not an instant vector"),
            ));
        }
        let result = data["result"].as_array().cloned().unwrap_or_default();
        Ok(result.iter().filter_map(sample).collect())
    }

    /// `/api/v1/rules?type=alert`: the alerting rules loaded, from every group.
    pub fn alert_rules(&self) -> Result<Vec<Value>, String> {
        let data = self.get("/api/v1/rules", &[("type", "alert")])?;
        Ok(data["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|group| group["rules"].as_array().cloned().unwrap_or_default())
            .collect())
    }

    /// `/api/v1/alerts`: the alerts pending or firing now.
    pub fn alerts(&self) -> Result<Vec<Value>, String> {
        let data = self.get("/api/v1/alerts", &[])?;
        Ok(data["alerts"].as_array().cloned().unwrap_or_default())
    }

    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, String> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self
            .client
            .get(format!("{}{path}", self.base))
            .query(params);
        if let Some(token) = &self.auth.bearer_token {
            request = request.bearer_auth(token);
        }
        if let Some((user, password)) = &self.auth.basic {
            request = request.basic_auth(user, Some(password));
        }
        let response = request
            .send()
            .map_err(|e| self.fail(path, &transport_cause(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .map_err(|e| self.fail(path, &transport_cause(&e)))?;
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(self.fail(
                path,
                "unauthorized (HTTP 401): check --basic-auth-file or --bearer-token-file",
            ));
        }
        if status == reqwest::StatusCode::FORBIDDEN {
            return Err(self.fail(
                path,
                "forbidden (HTTP 403): the credentials are not allowed to query",
            ));
        }
        let Some(json) = json else {
            let text = String::from_utf8_lossy(&body);
            let head: String = text.chars().take(120).collect();
            return Err(self.fail(
                path,
                &format!("HTTP {status}, not a Prometheus API response: {head:?}"),
            ));
        };
        if json["status"] != "success" {
            let error = json["error"].as_str().unwrap_or("no error message");
            return Err(self.fail(path, &format!("HTTP {status}: {error}")));
        }
        Ok(json["data"].clone())
    }

    fn fail(&self, path: &str, cause: &str) -> String {
        format!("{}{path}: {cause}", self.base)
    }
}

/// The cause of a transport error: "Connection refused", "timed out", a TLS error. The
/// innermost cause, except for a certificate error: OpenSSL's innermost error only says
/// "certificate verify failed", the layer above it also says why (e.g. "unable to get
/// local issuer certificate"), so the outermost cause that names a certificate is used.
fn transport_cause(error: &reqwest::Error) -> String {
    let mut chain: Vec<&dyn std::error::Error> = vec![error];
    while let Some(source) = chain[chain.len() - 1].source() {
        chain.push(source);
    }
    let cause = chain
        .iter()
        .find(|e| e.to_string().contains("certificate"))
        .unwrap_or(&chain[chain.len() - 1]);
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let hint = if cause.to_string().contains("certificate") {
        " (a private CA? pass it with --ca-file)"
    } else {
        ""
    };
    format!("{kind}: {cause}{hint}")
}

fn sample(item: &Value) -> Option<Sample> {
    let labels = item["metric"]
        .as_object()?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    // Values come as [unix_time, "text"]; "NaN" and "+Inf" parse as f64.
    let value = item["value"][1].as_str()?.parse().ok()?;
    Some(Sample { labels, value })
}
