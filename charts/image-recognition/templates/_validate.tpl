{{/* Refuse combinations that are obviously unsafe or cannot work. Cheap checks only; the values
     schema covers types and ranges. */}}
{{- define "imagerec.validate" -}}
{{- if and (gt (int .Values.operator.replicaCount) 1) (not .Values.operator.leaderElection) -}}
{{- fail "operator.replicaCount > 1 needs operator.leaderElection=true: two active operators would fight over the worker Deployments" -}}
{{- end -}}
{{- if and .Values.aws.emulatorCredentials (not .Values.aws.serviceUrl) -}}
{{- fail "aws.emulatorCredentials is only for emulators: set aws.serviceUrl, or use IRSA / EKS Pod Identity against AWS" -}}
{{- end -}}
{{- range $component := list "webtier" "operator" -}}
{{- $values := index $.Values $component -}}
{{- range $values.extraEnv -}}
{{- if has (upper .name) (list "AWS_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY" "AWS_SESSION_TOKEN" "AWS__ACCESSKEYID" "AWS__SECRETACCESSKEY") -}}
{{- fail (printf "%s.extraEnv sets %s: static AWS keys are refused; use IRSA (serviceAccount.roleArn) or EKS Pod Identity" $component .name) -}}
{{- end -}}
{{- end -}}
{{- include "imagerec.validateSecurityContext" (dict "name" (printf "%s.containerSecurityContext" $component) "ctx" $values.containerSecurityContext) -}}
{{- include "imagerec.validateSecurityContext" (dict "name" (printf "%s.podSecurityContext" $component) "ctx" $values.podSecurityContext) -}}
{{- end -}}
{{- if and .Values.webtier.pdb.create (lt (int .Values.webtier.replicaCount) 2) (eq (int .Values.webtier.pdb.maxUnavailable) 0) -}}
{{- fail "webtier.pdb.maxUnavailable=0 with fewer than 2 replicas blocks every node drain" -}}
{{- end -}}
{{- if eq .Values.auth.mode "oidc" -}}
{{- if not .Values.auth.oidc.issuer -}}
{{- fail "auth.mode=oidc needs auth.oidc.issuer, the provider's issuer URL (Cognito: https://cognito-idp.REGION.amazonaws.com/USER_POOL_ID)" -}}
{{- end -}}
{{- if not (or .Values.auth.oidc.audience .Values.auth.oidc.clientId) -}}
{{- fail "auth.mode=oidc needs auth.oidc.audience or auth.oidc.clientId: the web tier accepts only tokens meant for it" -}}
{{- end -}}
{{- else if and .Values.ingress.enabled (not .Values.auth.allowAnonymousWithIngress) -}}
{{- fail "auth.mode=none with ingress.enabled lets anyone who reaches the Ingress read and delete every image: set auth.mode=oidc (with auth.oidc.issuer), or auth.allowAnonymousWithIngress=true for a closed network" -}}
{{- end -}}
{{- if and .Values.ingress.tls (not .Values.ingress.hostname) -}}
{{- fail "ingress.tls needs ingress.hostname (the certificate is issued for a host)" -}}
{{- end -}}
{{- if .Values.samplePool.enabled -}}
{{- $pool := .Values.samplePool -}}
{{- if not $pool.queue.url -}}
{{- fail "samplePool.queue.url is required when samplePool.enabled" -}}
{{- end -}}
{{- if not $pool.model.sha256 -}}
{{- fail "samplePool.model.sha256 is required: workers must refuse a model they cannot verify" -}}
{{- end -}}
{{- if gt (int $pool.scaling.minReplicas) (int $pool.scaling.maxReplicas) -}}
{{- fail (printf "samplePool.scaling.minReplicas (%d) must not exceed maxReplicas (%d)" (int $pool.scaling.minReplicas) (int $pool.scaling.maxReplicas)) -}}
{{- end -}}
{{- if and $pool.compute.requireGpu (ne $pool.compute.class "gpu") -}}
{{- fail "samplePool.compute.requireGpu needs compute.class=gpu" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* (dict "name" "webtier.containerSecurityContext" "ctx" {...}) */}}
{{- define "imagerec.validateSecurityContext" -}}
{{- $ctx := .ctx | default dict -}}
{{- if hasKey $ctx "privileged" -}}{{- if $ctx.privileged -}}
{{- fail (printf "%s.privileged=true is refused" .name) -}}
{{- end -}}{{- end -}}
{{- if hasKey $ctx "allowPrivilegeEscalation" -}}{{- if $ctx.allowPrivilegeEscalation -}}
{{- fail (printf "%s.allowPrivilegeEscalation=true is refused" .name) -}}
{{- end -}}{{- end -}}
{{- if hasKey $ctx "runAsNonRoot" -}}{{- if not $ctx.runAsNonRoot -}}
{{- fail (printf "%s.runAsNonRoot=false is refused: the images run as UID 65532" .name) -}}
{{- end -}}{{- end -}}
{{- if hasKey $ctx "runAsUser" -}}{{- if eq (int $ctx.runAsUser) 0 -}}
{{- fail (printf "%s.runAsUser=0 (root) is refused" .name) -}}
{{- end -}}{{- end -}}
{{- end -}}
