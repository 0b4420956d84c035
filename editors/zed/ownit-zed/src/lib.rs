//! Starts `ownit lsp`: the `ownit` found on the worktree's PATH, or the binary set in
//! Zed's settings (`"lsp": {"ownit": {"binary": {"path": …, "arguments": ["lsp"]}}}`).

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result, Worktree};

struct Ownit;

impl zed::Extension for Ownit {
    fn new() -> Self {
        Ownit
    }

    fn language_server_command(
        &mut self,
        server: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(server.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let configured = binary.as_ref().and_then(|binary| binary.path.clone());
        let command = match configured {
            Some(path) => path,
            None => worktree.which("ownit").ok_or_else(|| {
                "ownit is not on the PATH: install it, or set lsp.ownit.binary.path in Zed's settings"
                    .to_string()
            })?,
        };
        let args = binary
            .and_then(|binary| binary.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Ownit);
