;;; emacs_flow.el --- drive Emacs + eglot through an ownit scenario  -*- lexical-binding: t; -*-

;; Run: emacs --batch -q -l emacs_flow.el
;; Reads its configuration from the JSON file named by $OWNIT_E2E_CONFIG; writes what it saw
;; to the `result' file (with `error' when a step failed) and exits 0, or 1 on failure.
;; Idle timers never fire in --batch, so the loops below send didChange and run flymake.

(require 'package)
(package-initialize)
(require 'cl-lib)
(require 'json)

(defvar ownit-test--config
  (let ((json-object-type 'alist) (json-array-type 'list))
    (json-read-file (getenv "OWNIT_E2E_CONFIG"))))

(defun ownit-test--cfg (key)
  (cdr (assq key ownit-test--config)))

(defvar ownit-test--record nil "What the run saw, as an alist written out as JSON.")
(defvar ownit-test--steps nil)
(defconst ownit-test--wait-s 15 "Hang guard for each wait loop, in seconds.")

(defun ownit-test--put (key value)
  (setq ownit-test--record (cons (cons key value) (assq-delete-all key ownit-test--record))))

(defun ownit-test--step (name)
  (push name ownit-test--steps)
  (message "ownit-test: %s" name))

(defun ownit-test--write ()
  (ownit-test--put 'steps (vconcat (reverse ownit-test--steps)))
  (with-temp-file (ownit-test--cfg 'result)
    (insert (json-encode ownit-test--record))))

(defun ownit-test--diagnostics ()
  "The ownit diagnostics flymake holds for this buffer, each the LSP plist plus its lines."
  (cl-loop for diag in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag)))
           when (and lsp (equal (plist-get lsp :source) "ownit"))
           collect (list :lsp lsp
                         :beg_line (1- (line-number-at-pos (flymake-diagnostic-beg diag) t))
                         :end_line (1- (line-number-at-pos (flymake-diagnostic-end diag) t)))))

(defun ownit-test--wait (what predicate)
  "Pump events, send pending changes and refresh flymake until PREDICATE holds."
  (let ((deadline (+ (float-time) ownit-test--wait-s)) done)
    (while (not (setq done (funcall predicate)))
      (when (> (float-time) deadline)
        (error "Timed out waiting for %s" what))
      (when (eglot-current-server)
        (eglot--signal-textDocument/didChange))
      (accept-process-output nil 0.05)
      (flymake-start))
    done))

(defun ownit-test--goto-line (line)
  "Move point to the start of LINE (0-based)."
  (goto-char (point-min))
  (forward-line line))

(defun ownit-test--titles (line)
  "Titles of the code actions eglot gets for LINE (0-based), as `eglot-code-actions' asks."
  (ownit-test--goto-line line)
  (mapcar (lambda (action) (plist-get action :title))
          (eglot-code-actions (line-beginning-position) (line-end-position))))

(defun ownit-test--lines ()
  (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))

(defun ownit-test--main ()
  (add-to-list 'load-path (expand-file-name "emacs" (ownit-test--cfg 'editors_dir)))
  (require 'ownit)
  (setq ownit-server-command (ownit-test--cfg 'server_cmd))
  ;; The server's edit (removing the comment line) is applied without a y-or-n-p prompt.
  (setq eglot-confirm-server-initiated-edits nil)
  (find-file (ownit-test--cfg 'file))
  (ownit-test--put 'major_mode (symbol-name major-mode))
  (ownit-start)
  (ownit-test--wait "the server to start" #'eglot-current-server)
  (ownit-test--step "initialized")
  (let* ((region (ownit-test--cfg 'region))
         (first (nth 0 region))
         (last (nth 1 region))
         (scenario (ownit-test--cfg 'scenario))
         (server (eglot-current-server))
         mark region-id)
    ;; 1. Mark the region as written by copilot.
    (setq mark (ownit-mark-ai (progn (ownit-test--goto-line first) (point))
                              (progn (ownit-test--goto-line (1+ last)) (point))
                              "copilot"))
    (ownit-test--put 'mark mark)
    (setq region-id (plist-get mark :regionId))
    (ownit-test--wait "the unowned-ai diagnostic" #'ownit-test--diagnostics)
    (ownit-test--put 'diagnostics_after_mark (vconcat (ownit-test--diagnostics)))
    (ownit-test--step "marked")
    (cond
     ((equal scenario "claim")
      ;; 2. Quick fixes offered on the region.
      (ownit-test--put 'titles (vconcat (ownit-test--titles first)))
      (ownit-test--step "code actions")
      ;; 3. M-x ownit-claim with a placeholder rationale typed at its prompt: the server's
      ;;    JSON-RPC error becomes a user-error saying why.
      (ownit-test--goto-line first)
      (let (prompt)
        (ownit-test--put
         'placeholder_error
         (condition-case err
             (cl-letf (((symbol-function 'read-string)
                        (lambda (p &rest _) (setq prompt p) (ownit-test--cfg 'placeholder))))
               (call-interactively #'ownit-claim)
               nil)
           (user-error (cadr err))))
        (ownit-test--put 'prompt prompt))
      (ownit-test--put 'diagnostics_after_placeholder (vconcat (ownit-test--diagnostics)))
      (ownit-test--step "placeholder rejected")
      ;; 4. M-x eglot-code-actions, picking "Own this AI-written code…": the glue asks for the
      ;;    rationale and sends it with the command.
      (ownit-test--goto-line first)
      (let ((own (ownit-test--cfg 'own_title)) action-prompt)
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt collection &rest _)
                     (if (assoc own collection) own
                       (error "No %S among %S" own (mapcar #'car collection)))))
                  ((symbol-function 'read-string)
                   (lambda (p &rest _) (setq action-prompt p) (ownit-test--cfg 'rationale))))
          (let ((last-nonmenu-event ?\r))
            (eglot-code-actions (line-beginning-position) (line-end-position) nil t)))
        (ownit-test--put 'action_prompt action-prompt))
      (ownit-test--wait "the diagnostic to clear" (lambda () (null (ownit-test--diagnostics))))
      (ownit-test--put 'diagnostics_after_claim [])
      (ownit-test--step "claimed"))
     ((equal scenario "comment")
      ;; 2. A comment with the rationale directly above the region.
      (ownit-test--goto-line first)
      (insert "# ownit: " (ownit-test--cfg 'rationale) "\n")
      (ownit-test--wait "the diagnostic to follow the region down a line"
                        (lambda ()
                          (let ((d (car (ownit-test--diagnostics))))
                            (and d (= (plist-get d :beg_line) (1+ first))))))
      (ownit-test--put 'diagnostics_after_comment (vconcat (ownit-test--diagnostics)))
      (ownit-test--step "comment inserted")
      ;; 3. M-x eglot-code-actions, picking "Own with the rationale above"; the server sends
      ;;    workspace/applyEdit removing the comment, which eglot applies.
      (ownit-test--goto-line (1+ first))
      (let ((own-above (ownit-test--cfg 'own_above_title))
            offered)
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt collection &rest _)
                     (setq offered (mapcar #'car collection))
                     (if (assoc own-above collection) own-above
                       (error "No %S among %S" own-above offered)))))
          ;; A keyboard invocation (a non-list last event) makes eglot use completing-read.
          (let ((last-nonmenu-event ?\r))
            (eglot-code-actions (line-beginning-position) (line-end-position) nil t)))
        (ownit-test--put 'titles (vconcat offered)))
      (ownit-test--step "action chosen")
      (ownit-test--wait "the diagnostic to clear" (lambda () (null (ownit-test--diagnostics))))
      (ownit-test--wait "the comment line to be removed"
                        (lambda () (= (length (ownit-test--lines))
                                      (1+ (ownit-test--cfg 'line_count)))))
      (ownit-test--step "claimed from comment")))
    (ownit-test--put 'region_id region-id)
    (ownit-test--put 'lines (ownit-test--lines))
    ;; 5. Hover on the owned region (pending changes first: the change timer never runs here).
    (eglot--signal-textDocument/didChange)
    (ownit-test--goto-line first)
    (ownit-test--put 'hover (jsonrpc-request server :textDocument/hover
                                             (eglot--TextDocumentPositionParams)))
    (ownit-test--step "done")))

(defun ownit-test--stderr ()
  (let ((buf (cl-find-if (lambda (b) (string-match-p "EGLOT.*stderr" (buffer-name b)))
                         (buffer-list))))
    (and buf (with-current-buffer buf (buffer-string)))))

(let ((code 0))
  (condition-case err
      (ownit-test--main)
    ((debug error)
     (setq code 1)
     (ownit-test--put 'error (error-message-string err))))
  (condition-case err
      (let ((events (cl-find-if (lambda (b) (string-match-p "EGLOT.*events" (buffer-name b)))
                                (buffer-list))))
        (when (and (/= code 0) events)
          (ownit-test--put 'events (with-current-buffer events
                                     (let ((text (buffer-string)))
                                       (substring text (max 0 (- (length text) 20000)))))))
        (ownit-test--write)
        (when (eglot-current-server)
          (let ((eglot-autoshutdown nil))
            (eglot-shutdown (eglot-current-server) nil 5))))
    (error (message "ownit-test: cleanup failed: %s" (error-message-string err))
           (setq code 1)))
  (kill-emacs code))

;;; emacs_flow.el ends here
