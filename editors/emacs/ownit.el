;;; ownit.el --- Own the AI-written code you ship, through eglot  -*- lexical-binding: t; -*-

;; Works with Emacs 28+ and eglot 1.9+.
;;
;; Copy this file onto your `load-path', then:
;;
;;   (require 'ownit)
;;   (add-hook 'python-mode-hook #'ownit-ensure)   ; any major mode you want tracked
;;
;; `ownit-ensure' starts `ownit lsp' through eglot for files inside a git repository.
;; Regions an AI tool wrote show as flymake diagnostics ("unowned-ai").  With point on one:
;;
;;   M-x ownit-claim     own it: asks why the code is right, sends `ownit.claim'
;;   M-x ownit-dismiss   record that it is not AI-written
;;   M-x ownit-mark-ai   mark the active region's lines as AI-written
;;   M-x ownit-status    list every unowned or stale region in the workspace
;;
;; `eglot-code-actions' offers the same as quick fixes (they ask for the rationale or reason).  A comment line `ownit: <rationale>'
;; right above a region plus the action "Own with the rationale above" claims it and lets the
;; server remove the comment; eglot asks before applying that edit unless
;; `eglot-confirm-server-initiated-edits' is nil.
;;
;; eglot 1.9 runs one server per buffer: a buffer managed by ownit is not also managed by
;; another language server.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'flymake)
(require 'jsonrpc)
(require 'project)
(require 'subr-x)

(defgroup ownit nil
  "Ownership of AI-written code."
  :group 'tools
  :prefix "ownit-")

(defcustom ownit-server-command '("ownit" "lsp")
  "Program and arguments that start the ownit language server."
  :type '(repeat string))

(defun ownit--server ()
  "The eglot server of this buffer, or a `user-error'."
  (or (eglot-current-server)
      (user-error "ownit: no language server in this buffer (M-x ownit-start)")))

;;;###autoload
(defun ownit-start ()
  "Start `ownit lsp' for the current buffer's project, unless it already runs."
  (interactive)
  (unless buffer-file-name
    (user-error "ownit: this buffer is not visiting a file"))
  (or (eglot-current-server)
      (let ((project (or (project-current)
                         (cons 'transient default-directory))))
        (eglot (list major-mode) project 'eglot-lsp-server ownit-server-command
               (string-remove-suffix "-mode" (symbol-name major-mode)))
        (eglot-current-server))))

;;;###autoload
(defun ownit-ensure ()
  "Start ownit for this buffer if it visits a file in a git repository.
Meant for major mode hooks."
  (when (and buffer-file-name (locate-dominating-file buffer-file-name ".git"))
    (ownit-start)))

(defun ownit--diagnostic-at-point ()
  "The LSP diagnostic (a plist) of the ownit region on the current line, or nil."
  (cl-loop for diag in (flymake-diagnostics (line-beginning-position) (line-end-position))
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag)))
           when (and lsp
                     (equal (plist-get lsp :source) "ownit")
                     (plist-get (plist-get lsp :data) :regionId))
           return lsp))

(defun ownit--region-at-point ()
  "The id of the AI-written region on the current line, or a `user-error'."
  (or (plist-get (plist-get (ownit--diagnostic-at-point) :data) :regionId)
      (user-error "ownit: no AI-written region on this line")))

(defun ownit--execute (command argument)
  "Send COMMAND with the single object ARGUMENT.
A server error becomes a `user-error'."
  (condition-case err
      (jsonrpc-request (ownit--server) :workspace/executeCommand
                       (list :command command :arguments (vector argument)))
    (jsonrpc-error
     (user-error "ownit: %s: %s" command
                 (or (alist-get 'jsonrpc-error-message (cdr err)) (cadr err))))))

(defun ownit--line-start-position (pos)
  "The LSP position of the start of the line holding POS."
  (list :line (1- (line-number-at-pos pos t)) :character 0))

;;;###autoload
(defun ownit-claim (rationale &optional region-id)
  "Own the AI-written region at point (or REGION-ID).
RATIONALE says why the code is right."
  (interactive (list (read-string "Why is this code right? ")))
  (let* ((region (or region-id (ownit--region-at-point)))
         (result (ownit--execute "ownit.claim"
                                 (list :uri (eglot--path-to-uri buffer-file-name)
                                       :regionId region
                                       :rationale rationale))))
    (message "ownit: you own this code now")
    result))

;;;###autoload
(defun ownit-dismiss (reason &optional region-id)
  "Record that the region at point (or REGION-ID) is not AI-written.
REASON says why."
  (interactive (list (read-string "Why is this not AI-written? ")))
  (let ((region (or region-id (ownit--region-at-point))))
    (prog1 (ownit--execute "ownit.dismiss"
                           (list :uri (eglot--path-to-uri buffer-file-name)
                                 :regionId region
                                 :reason reason))
      (message "ownit: dismissed"))))

;;;###autoload
(defun ownit-mark-ai (beg end tool)
  "Mark the lines from BEG to END as written by the AI TOOL.
Return the server's answer.  An END at the start of a line does not
take that line."
  (interactive
   (list (region-beginning) (region-end)
         (completing-read "Tool: " '("copilot" "claude-code" "cursor" "aider" "manual"
                                     "unknown")
                          nil nil nil nil "manual")))
  (let ((end-pos (save-excursion
                   (goto-char end)
                   (if (and (bolp) (> end beg))
                       (ownit--line-start-position (point))
                     (if (zerop (forward-line 1))
                         (ownit--line-start-position (point))
                       ;; last line without a newline: up to its end
                       (eglot--pos-to-lsp-position (point-max)))))))
    (ownit--execute "ownit.markAi"
                    (list :uri (eglot--path-to-uri buffer-file-name)
                          :range (list :start (ownit--line-start-position beg)
                                       :end end-pos)
                          :tool tool))))

;; The quick fixes "Own this AI-written code…" and "Not AI-written…" carry no rationale /
;; reason (the server asks the editor for it): eglot runs their commands through
;; `eglot-execute-command', so ask here and send the text along.
(defun ownit--fill-argument (arguments key prompt)
  "ARGUMENTS (a vector of one plist), with KEY read if it is missing.
PROMPT is the question asked."
  (let ((argument (and (vectorp arguments) (> (length arguments) 0) (aref arguments 0))))
    (if (or (null argument) (plist-get argument key))
        arguments
      (vector (append argument (list key (read-string prompt)))))))

(cl-defmethod eglot-execute-command :around (server (command (eql ownit.claim)) arguments)
  "Ask for the rationale the ownit.claim quick fix leaves out."
  (cl-call-next-method server command
                       (ownit--fill-argument arguments :rationale "Why is this code right? ")))

(cl-defmethod eglot-execute-command :around (server (command (eql ownit.dismiss)) arguments)
  "Ask for the reason the ownit.dismiss quick fix leaves out."
  (cl-call-next-method server command
                       (ownit--fill-argument arguments :reason
                                             "Why is this not AI-written? ")))

;;;###autoload
(defun ownit-status ()
  "Show every unowned or stale AI-written region in the workspace."
  (interactive)
  (let* ((result (ownit--execute "ownit.status" (make-hash-table)))
         (regions (if (vectorp result) (append result nil)
                    (append (plist-get result :regions) nil))))
    (with-help-window "*ownit status*"
      (if (null regions)
          (princ "Every AI-written region has an owner.\n")
        (dolist (r regions)
          (princ (format "%s\n" (string-trim (prin1-to-string r)))))))
    regions))

(provide 'ownit)
;;; ownit.el ends here
