// Golden outputs of `pumpctl` for the cases of `GoldenCase.all`, as a clinician sees them (UTC,
// no colour) and as `--json` prints them. Review a change here as a change of the contract.

enum Goldens {
    static let text: [String: String] = [
        "device": #"""
        Pump SM2-004211
          Model:      SynchroMed II
          State:      impending failure
          Battery:    ERI
          Last seen:  2026-11-28 10:15:02 UTC

        Therapy:
          Indication:  spasticity
          Drug:        baclofen
          Route:       intrathecal
          Patient:     MRN-55512
          Enrolled:    2026-01-05 14:30:00 UTC
          Criteria:
            severe_refractory:     yes
            oral_baclofen_failed:  unknown

        Open alerts:
          AT                       SEVERITY  CODE         DETAIL
          2026-11-28 10:14:00 UTC  warning   BATTERY_ERI  Battery at elective replacement indicator

        Latest status:
          At:          2026-11-28 10:15:00 UTC
          Received:    2026-11-28 10:15:02 UTC
          Battery:     ERI (2.61 V, 3 months remaining)
          Motor:       ok
          Reservoir:   12.5 ml
          Infusing:    yes
          Firmware:    4.2.1
          Message ID:  s-0042

        """#,
        "device-never-reported": #"""
        Pump SM2-009999
          Model:      -
          State:      unknown (no status yet)
          Battery:    -
          Last seen:  never reported

        Therapy: not enrolled (pumpctl enroll SERIAL ... records it)

        Open alerts: none

        Latest status: none yet

        """#,
        "devices": #"""
        SERIAL      MODEL          STATE                    BATTERY  LAST SEEN
        C3000-0107  Codman 3000    functional               -        2026-11-28 09:00:00 UTC
        SM2-004211  SynchroMed II  impending failure        ERI      2026-11-28 10:15:02 UTC
        SM2-009999  -              unknown (no status yet)  -        never reported

        """#,
        "eligibility": #"""
        CREATED                  RECORD    SERIAL      TYPE         TRIGGER    DETERMINATION                        CLAUSE
        2026-11-29 09:30:00 UTC  R-000019  C3000-0107  replacement  request    not medically necessary              NMN.replacement.upgrade
        2026-11-29 08:00:00 UTC  R-000018  SM2-010001  implant      request    needs review (missing: trial_route)  MN.indication.5
        2026-11-28 10:15:02 UTC  R-000017  SM2-004211  replacement  telemetry  medically necessary                  MN.replacement.impending_failure

        """#,
        "eligibility-empty": #"""
        No eligibility records.

        """#,
        "enroll": #"""
        Record R-000018: implant assessment of pump SM2-010001, on request
          Determination:  needs review (missing: trial_route)
          Clause:         MN.indication.5 (severe chronic intractable pain after a successful trial by the same route)
          Criterion:      - (implant assessment)
          Indication:     unknown (MN.indication.5)
          Missing facts:  trial_route
          Supplies:       not covered
          Policy:         CG-SURG-79, effective 2023-09-27
          Created:        2026-11-29 08:00:00 UTC
          Evidence:       none

        """#,
        "events": #"""
        AT                       KIND    WHAT                                                          MESSAGE ID
        2026-11-28 10:15:00 UTC  status  battery ERI, motor ok, reservoir 12.5 ml                      s-0042
        2026-11-28 10:14:00 UTC  alert   BATTERY_ERI warning: Battery at elective replacement indica…  a-0041
        2026-11-27 07:00:00 UTC  alert   LOW_RESERVOIR info cleared                                    a-0040

        """#,
        "events-empty": #"""
        No messages from this pump.

        """#,
        "rejected": #"""
        RECEIVED                 REASON        DETAIL                           RAW
        2026-11-28 11:00:00 UTC  unknown_code  code 'BATTERY_LOW' is not known  {"v":1,"id":"x1","serial":"SM2-004211","kind":"…
        2026-11-28 10:59:00 UTC  invalid_json  -                                hello\u{1B}[31m�

        """#,
        "request-replacement": #"""
        Record R-000019: replacement of pump C3000-0107, on request
          Determination:   not medically necessary
          Clause:          NMN.replacement.upgrade (upgrade to newer technology while the pump works)
          Criterion:       none (the device reports itself functional)
          Indication:      unknown (pump not enrolled)
          Missing facts:   none
          Supplies:        not covered
          Request reason:  upgrade to newer technology
          Note:            Patient asks for the newer model
          Policy:          CG-SURG-79, effective 2023-09-27
          Created:         2026-11-29 09:30:00 UTC
          Evidence:
            AT                       KIND    CODE  MESSAGE ID
            2026-11-28 09:00:00 UTC  status  -     s-0107

        """#,
        "request-replacement-telemetry-record": #"""
        Record R-000017: replacement of pump SM2-004211, raised by telemetry
          Determination:  medically necessary
          Clause:         MN.replacement.impending_failure (replacement after the pump's built-in notice of impending failure)
          Criterion:      impending failure
          Indication:     covered (MN.indication.3)
          Missing facts:  none
          Supplies:       covered (MN.supplies)
          Policy:         CG-SURG-79, effective 2023-09-27
          Created:        2026-11-28 10:15:02 UTC
          Evidence:
            AT                       KIND    CODE         MESSAGE ID
            2026-11-28 10:14:00 UTC  alert   BATTERY_ERI  a-0041
            2026-11-28 10:15:00 UTC  status  -            s-0042

        """#,
        "status": #"""
        pumpmond 0.1.0, up 1d 2h 3m
          Store:     /var/lib/pumpmond/pumpmond.sqlite
          Pumps:     3
          Messages:  1204
          Records:   5
          Rejected:  2

        """#,
    ]
    static let json: [String: String] = [
        "device": #"""
        {
          "serial": "SM2-004211",
          "model": "SynchroMed II",
          "state": "impending_failure",
          "battery": "ERI",
          "last_seen": "2026-11-28T10:15:02.113Z",
          "therapy": {
            "patient": "MRN-55512",
            "indication": "spasticity",
            "drug": "baclofen",
            "route": "intrathecal",
            "criteria": {
              "severe_refractory": true,
              "oral_baclofen_failed": null,
              "metastases_limited_to_liver": null,
              "prior_external_treprostinil": null,
              "severe_chronic_intractable": null,
              "trial_reduction_percent": null,
              "trial_route": null
            },
            "enrolled_at": "2026-01-05T14:30:00.000Z"
          },
          "open_alerts": [
            {
              "message_id": "a-0041",
              "code": "BATTERY_ERI",
              "severity": "warning",
              "at": "2026-11-28T10:14:00Z",
              "detail": "Battery at elective replacement indicator"
            }
          ],
          "latest_status": {
            "at": "2026-11-28T10:15:00Z",
            "battery": {
              "months_remaining": 3,
              "state": "ERI",
              "volts": 2.61
            },
            "firmware": "4.2.1",
            "id": "s-0042",
            "infusing": true,
            "kind": "status",
            "model": "SynchroMed II",
            "motor": "ok",
            "received_at": "2026-11-28T10:15:02.113Z",
            "reservoir_ml": 12.5,
            "serial": "SM2-004211",
            "v": 1
          }
        }

        """#,
        "device-never-reported": #"""
        {
          "serial": "SM2-009999",
          "model": null,
          "state": "unknown",
          "battery": null,
          "last_seen": null,
          "therapy": null,
          "open_alerts": [],
          "latest_status": null
        }

        """#,
        "devices": #"""
        {
          "devices": [
            {
              "serial": "C3000-0107",
              "model": "Codman 3000",
              "state": "functional",
              "battery": null,
              "last_seen": "2026-11-28T09:00:00.250Z"
            },
            {
              "serial": "SM2-004211",
              "model": "SynchroMed II",
              "state": "impending_failure",
              "battery": "ERI",
              "last_seen": "2026-11-28T10:15:02.113Z"
            },
            {
              "serial": "SM2-009999",
              "model": null,
              "state": "unknown",
              "battery": null,
              "last_seen": null
            }
          ]
        }

        """#,
        "eligibility": #"""
        {
          "records": [
            {
              "id": "R-000019",
              "serial": "C3000-0107",
              "type": "replacement",
              "trigger": "request",
              "request_reason": "upgrade",
              "determination": "not_medically_necessary",
              "clause": "NMN.replacement.upgrade",
              "replacement_criterion": "none",
              "indication": {
                "status": "unknown",
                "clause": null
              },
              "missing": [],
              "supplies_covered": false,
              "evidence": [
                {
                  "message_id": "s-0107",
                  "kind": "status",
                  "code": null,
                  "at": "2026-11-28T09:00:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "2026-11-29T09:30:00.125Z",
              "note": "Patient asks for the newer model"
            },
            {
              "id": "R-000018",
              "serial": "SM2-010001",
              "type": "implant",
              "trigger": "request",
              "request_reason": null,
              "determination": "needs_review",
              "clause": "MN.indication.5",
              "replacement_criterion": null,
              "indication": {
                "status": "unknown",
                "clause": "MN.indication.5"
              },
              "missing": [
                "trial_route"
              ],
              "supplies_covered": false,
              "evidence": [],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "2026-11-29T08:00:00.000Z",
              "note": null
            },
            {
              "id": "R-000017",
              "serial": "SM2-004211",
              "type": "replacement",
              "trigger": "telemetry",
              "request_reason": null,
              "determination": "medically_necessary",
              "clause": "MN.replacement.impending_failure",
              "replacement_criterion": "impending_failure",
              "indication": {
                "status": "covered",
                "clause": "MN.indication.3"
              },
              "missing": [],
              "supplies_covered": true,
              "evidence": [
                {
                  "message_id": "a-0041",
                  "kind": "alert",
                  "code": "BATTERY_ERI",
                  "at": "2026-11-28T10:14:00Z"
                },
                {
                  "message_id": "s-0042",
                  "kind": "status",
                  "code": null,
                  "at": "2026-11-28T10:15:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "2026-11-28T10:15:02.412Z",
              "note": null
            }
          ]
        }

        """#,
        "eligibility-empty": #"""
        {
          "records": []
        }

        """#,
        "enroll": #"""
        {
          "id": "R-000018",
          "serial": "SM2-010001",
          "type": "implant",
          "trigger": "request",
          "request_reason": null,
          "determination": "needs_review",
          "clause": "MN.indication.5",
          "replacement_criterion": null,
          "indication": {
            "status": "unknown",
            "clause": "MN.indication.5"
          },
          "missing": [
            "trial_route"
          ],
          "supplies_covered": false,
          "evidence": [],
          "policy": {
            "id": "CG-SURG-79",
            "effective": "2023-09-27"
          },
          "created_at": "2026-11-29T08:00:00.000Z",
          "note": null
        }

        """#,
        "events": #"""
        {
          "events": [
            {
              "at": "2026-11-28T10:15:00Z",
              "battery": {
                "months_remaining": 3,
                "state": "ERI",
                "volts": 2.61
              },
              "firmware": "4.2.1",
              "id": "s-0042",
              "infusing": true,
              "kind": "status",
              "model": "SynchroMed II",
              "motor": "ok",
              "received_at": "2026-11-28T10:15:02.113Z",
              "reservoir_ml": 12.5,
              "serial": "SM2-004211",
              "v": 1
            },
            {
              "at": "2026-11-28T10:14:00Z",
              "code": "BATTERY_ERI",
              "detail": "Battery at elective replacement indicator",
              "id": "a-0041",
              "kind": "alert",
              "received_at": "2026-11-28T10:14:01.500Z",
              "serial": "SM2-004211",
              "severity": "warning",
              "v": 1
            },
            {
              "at": "2026-11-27T08:00:00+01:00",
              "code": "LOW_RESERVOIR",
              "id": "a-0040",
              "kind": "alert",
              "received_at": "2026-11-27T07:00:03.000Z",
              "serial": "SM2-004211",
              "severity": "info",
              "state": "cleared",
              "v": 1
            }
          ]
        }

        """#,
        "events-empty": #"""
        {
          "events": []
        }

        """#,
        "rejected": #"""
        {
          "rejected": [
            {
              "received_at": "2026-11-28T11:00:00.000Z",
              "reason": "unknown_code",
              "detail": "code 'BATTERY_LOW' is not known",
              "raw": "{\"v\":1,\"id\":\"x1\",\"serial\":\"SM2-004211\",\"kind\":\"alert\",\"code\":\"BATTERY_LOW\"}",
              "raw_base64": "eyJ2IjoxfQ=="
            },
            {
              "received_at": "2026-11-28T10:59:00.000Z",
              "reason": "invalid_json",
              "detail": null,
              "raw": "hello\u001b[31m�",
              "raw_base64": "aGVsbG8bWzMxbf8="
            }
          ]
        }

        """#,
        "request-replacement": #"""
        {
          "id": "R-000019",
          "serial": "C3000-0107",
          "type": "replacement",
          "trigger": "request",
          "request_reason": "upgrade",
          "determination": "not_medically_necessary",
          "clause": "NMN.replacement.upgrade",
          "replacement_criterion": "none",
          "indication": {
            "status": "unknown",
            "clause": null
          },
          "missing": [],
          "supplies_covered": false,
          "evidence": [
            {
              "message_id": "s-0107",
              "kind": "status",
              "code": null,
              "at": "2026-11-28T09:00:00Z"
            }
          ],
          "policy": {
            "id": "CG-SURG-79",
            "effective": "2023-09-27"
          },
          "created_at": "2026-11-29T09:30:00.125Z",
          "note": "Patient asks for the newer model"
        }

        """#,
        "request-replacement-telemetry-record": #"""
        {
          "id": "R-000017",
          "serial": "SM2-004211",
          "type": "replacement",
          "trigger": "telemetry",
          "request_reason": null,
          "determination": "medically_necessary",
          "clause": "MN.replacement.impending_failure",
          "replacement_criterion": "impending_failure",
          "indication": {
            "status": "covered",
            "clause": "MN.indication.3"
          },
          "missing": [],
          "supplies_covered": true,
          "evidence": [
            {
              "message_id": "a-0041",
              "kind": "alert",
              "code": "BATTERY_ERI",
              "at": "2026-11-28T10:14:00Z"
            },
            {
              "message_id": "s-0042",
              "kind": "status",
              "code": null,
              "at": "2026-11-28T10:15:00Z"
            }
          ],
          "policy": {
            "id": "CG-SURG-79",
            "effective": "2023-09-27"
          },
          "created_at": "2026-11-28T10:15:02.412Z",
          "note": null
        }

        """#,
        "status": #"""
        {
          "version": "0.1.0",
          "uptime_s": 93784,
          "store": "/var/lib/pumpmond/pumpmond.sqlite",
          "pumps": 3,
          "messages": 1204,
          "records": 5,
          "rejected": 2
        }

        """#,
    ]
}
