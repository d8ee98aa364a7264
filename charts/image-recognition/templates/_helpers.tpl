{{/* Names. Kubernetes names are limited to 63 characters. */}}
{{- define "imagerec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "imagerec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: (dict "root" $ "component" "webtier") */}}
{{- define "imagerec.componentName" -}}
{{- printf "%s-%s" (include "imagerec.fullname" .root | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "imagerec.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "imagerec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: image-recognition
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component: (dict "root" $ "component" "webtier") */}}
{{- define "imagerec.componentLabels" -}}
{{ include "imagerec.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "imagerec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "imagerec.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* metadata.annotations (indented for metadata) or nothing; use as {{- include ... }} */}}
{{- define "imagerec.annotations" -}}
{{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{/* registry/repository:tag or @digest: (dict "image" .Values.webtier.image "root" $) */}}
{{- define "imagerec.image" -}}
{{- $repo := .image.repository -}}
{{- if .image.registry }}{{ $repo = printf "%s/%s" .image.registry .image.repository }}{{ end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "imagerec.webtier.serviceAccountName" -}}
{{- if .Values.webtier.serviceAccount.create -}}
{{- default (include "imagerec.componentName" (dict "root" . "component" "webtier")) .Values.webtier.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.webtier.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "imagerec.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create -}}
{{- default (include "imagerec.componentName" (dict "root" . "component" "operator")) .Values.operator.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.operator.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* ServiceAccount annotations: IRSA role plus extras: (dict "sa" .Values.webtier.serviceAccount "root" $) */}}
{{- define "imagerec.serviceAccountAnnotations" -}}
{{- $annotations := merge (dict) (.sa.annotations | default dict) (.root.Values.commonAnnotations | default dict) -}}
{{- if .sa.roleArn -}}{{- $_ := set $annotations "eks.amazonaws.com/role-arn" .sa.roleArn -}}{{- end -}}
{{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{/* AWS settings every component reads. Credentials come from the SDK chain (IRSA / Pod Identity). */}}
{{- define "imagerec.awsEnv" -}}
- name: Aws__Region
  value: {{ .Values.aws.region | quote }}
{{- if .Values.aws.serviceUrl }}
- name: Aws__ServiceUrl
  value: {{ .Values.aws.serviceUrl | quote }}
{{- end }}
{{- if .Values.aws.emulatorCredentials }}
# Dummy keys: emulators do not check signatures, but the signer needs some credentials.
- name: Aws__AccessKeyId
  value: "emulator"
- name: Aws__SecretAccessKey
  value: "emulator"
{{- end }}
{{- end -}}

{{/* The web tier's sign-in settings (webtier/Auth/AuthOptions.cs) and the course-harness switch. */}}
{{- define "imagerec.authEnv" -}}
- name: Auth__Mode
  value: {{ ternary "Oidc" "None" (eq .Values.auth.mode "oidc") | quote }}
{{- if eq .Values.auth.mode "oidc" }}
- name: Auth__Authority
  value: {{ .Values.auth.oidc.issuer | quote }}
{{- with .Values.auth.oidc.audience }}
- name: Auth__Audience
  value: {{ . | quote }}
{{- end }}
{{- with .Values.auth.oidc.clientId }}
- name: Auth__ClientId
  value: {{ . | quote }}
{{- end }}
- name: Auth__Scope
  value: {{ .Values.auth.oidc.scope | quote }}
{{- /* The page signs in from the browser: discovery and the token exchange must pass its CSP. */}}
- name: WebPage__ConnectSources__0
  value: {{ .Values.auth.oidc.issuer | quote }}
{{- range $i, $origin := .Values.auth.oidc.pageOrigins }}
- name: WebPage__ConnectSources__{{ add1 $i }}
  value: {{ $origin | quote }}
{{- end }}
{{- end }}
- name: CourseHarness__Enabled
  value: {{ .Values.courseHarness.enabled | toString | quote }}
{{- end -}}

{{/* Writable /tmp for a read-only root filesystem (.NET needs it). */}}
{{- define "imagerec.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{- define "imagerec.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Egress to cluster DNS; every component resolves AWS endpoints. */}}
{{- define "imagerec.dnsEgress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{/* The operator's status of the pool the web page shows (Pool__StatusUrl of the web tier). */}}
{{- define "imagerec.poolStatusUrl" -}}
{{- $pool := .Values.webtier.poolStatus -}}
{{- printf "http://%s:8080/status/%s/%s" (include "imagerec.componentName" (dict "root" . "component" "operator")) ($pool.poolNamespace | default .Release.Namespace) ($pool.poolName | default .Values.samplePool.name) -}}
{{- end -}}
