//! The local CKAN's action API, as the benches that seed and purge records call it.

use serde_json::Value;

pub struct Ckan {
    pub url: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Ckan {
    /// `action` with `body`; the result, or the whole reply as the error.
    pub async fn call(&self, action: &str, body: Value) -> Result<Value, String> {
        let reply: Value = self
            .http
            .post(format!("{}/api/3/action/{action}", self.url))
            .header("Authorization", &self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        if reply["success"] == true {
            Ok(reply["result"].clone())
        } else {
            Err(reply.to_string())
        }
    }
}
