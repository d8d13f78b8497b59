// Golden outputs of `pumpctl` against the real daemon holding `Fleet` (UTC, no colour), after
// `LiveDaemon.normalise`: `#` stands for the digits of a time the daemon stamped. Regenerate with
// PUMPCTL_RECORD_LIVE_GOLDENS=DIR and review the diff as a change of the contract.

enum LiveGoldens {
    static let text: [String: String] = [
        "device-eri": #"""
        Pump SM2-004211
          Model:      SynchroMed II
          State:      impending failure
          Battery:    ERI
          Last seen:  ####-##-## ##:##:## UTC

        Therapy:
          Indication:  spasticity
          Drug:        baclofen
          Route:       intrathecal
          Patient:     MRN-55512
          Enrolled:    ####-##-## ##:##:## UTC
          Criteria:
            severe_refractory:     yes
            oral_baclofen_failed:  yes

        Open alerts:
          AT                       SEVERITY  CODE         DETAIL
          2026-01-05 09:00:00 UTC  warning   BATTERY_ERI  Battery at elective replacement indicator

        Latest status:
          At:          2026-01-05 09:05:00 UTC
          Received:    ####-##-## ##:##:## UTC
          Battery:     ERI (2.61 V, 3 months remaining)
          Motor:       ok
          Reservoir:   12.5 ml
          Infusing:    yes
          Firmware:    4.2.1
          Message ID:  a3

        """#,
        "device-never-reported": #"""
        Pump SM2-010001
          Model:      -
          State:      unknown (no status yet)
          Battery:    -
          Last seen:  never reported

        Therapy:
          Indication:  chronic intractable pain
          Drug:        opioid
          Route:       intrathecal
          Patient:     MRN-70021
          Enrolled:    ####-##-## ##:##:## UTC
          Criteria:
            severe_chronic_intractable:  yes
            trial_reduction_percent:     60 %
            trial_route:                 unknown

        Open alerts: none

        Latest status: none yet

        """#,
        "device-no-battery": #"""
        Pump C3000-0107
          Model:      Codman 3000
          State:      functional
          Battery:    -
          Last seen:  ####-##-## ##:##:## UTC

        Therapy: not enrolled (pumpctl enroll SERIAL ... records it)

        Open alerts:
          AT                       SEVERITY  CODE           DETAIL
          2026-01-05 08:45:00 UTC  info      LOW_RESERVOIR  -

        Latest status:
          At:          2026-01-05 08:30:00 UTC
          Received:    ####-##-## ##:##:## UTC
          Battery:     none (pump without a battery)
          Motor:       none
          Reservoir:   30 ml
          Message ID:  c1

        """#,
        "devices": #"""
        SERIAL      MODEL          STATE                    BATTERY  LAST SEEN
        C3000-0107  Codman 3000    functional               -        ####-##-## ##:##:## UTC
        SM2-004211  SynchroMed II  impending failure        ERI      ####-##-## ##:##:## UTC
        SM2-007700  SynchroMed II  non-functional           MOS      ####-##-## ##:##:## UTC
        SM2-010001  -              unknown (no status yet)  -        never reported

        """#,
        "devices-impending": #"""
        SERIAL      MODEL          STATE              BATTERY  LAST SEEN
        SM2-004211  SynchroMed II  impending failure  ERI      ####-##-## ##:##:## UTC

        """#,
        "devices-stalled-none": #"""
        No pumps.

        """#,
        "devices-unknown": #"""
        SERIAL      MODEL  STATE                    BATTERY  LAST SEEN
        SM2-010001  -      unknown (no status yet)  -        never reported

        """#,
        "eligibility": #"""
        CREATED                  RECORD    SERIAL      TYPE         TRIGGER    DETERMINATION                        CLAUSE
        ####-##-## ##:##:## UTC  R-000005  C3000-0107  replacement  request    not medically necessary              NMN.replacement.convenience
        ####-##-## ##:##:## UTC  R-000004  SM2-010001  implant      request    needs review (missing: trial_route)  MN.indication.5
        ####-##-## ##:##:## UTC  R-000003  SM2-007700  replacement  telemetry  needs review (missing: indication)   MN.replacement.non_function
        ####-##-## ##:##:## UTC  R-000002  SM2-004211  replacement  telemetry  medically necessary                  MN.replacement.impending_failure
        ####-##-## ##:##:## UTC  R-000001  SM2-004211  implant      request    medically necessary                  MN.indication.3

        """#,
        "eligibility-needs-review": #"""
        CREATED                  RECORD    SERIAL      TYPE         TRIGGER    DETERMINATION                        CLAUSE
        ####-##-## ##:##:## UTC  R-000004  SM2-010001  implant      request    needs review (missing: trial_route)  MN.indication.5
        ####-##-## ##:##:## UTC  R-000003  SM2-007700  replacement  telemetry  needs review (missing: indication)   MN.replacement.non_function

        """#,
        "eligibility-serial": #"""
        CREATED                  RECORD    SERIAL      TYPE         TRIGGER    DETERMINATION        CLAUSE
        ####-##-## ##:##:## UTC  R-000002  SM2-004211  replacement  telemetry  medically necessary  MN.replacement.impending_failure
        ####-##-## ##:##:## UTC  R-000001  SM2-004211  implant      request    medically necessary  MN.indication.3

        """#,
        "eligibility-serial-none": #"""
        No eligibility records.

        """#,
        "enroll": #"""
        Record R-000006: implant assessment of pump SM2-007700, on request
          Determination:  medically necessary
          Clause:         MN.indication.2 (colorectal cancer with metastases limited to the liver, intrahepatic arterial chemotherapy)
          Criterion:      - (implant assessment)
          Indication:     covered (MN.indication.2)
          Missing facts:  none
          Supplies:       covered (MN.supplies)
          Policy:         CG-SURG-79, effective 2023-09-27
          Created:        ####-##-## ##:##:## UTC
          Evidence:       none

        """#,
        "events": #"""
        AT                       KIND    WHAT                                                          MESSAGE ID
        2026-01-05 09:05:00 UTC  status  battery ERI, motor ok, reservoir 12.5 ml                      a3
        2026-01-05 09:00:00 UTC  alert   BATTERY_ERI warning: Battery at elective replacement indica…  a2
        2026-01-05 08:00:00 UTC  status  battery MOS, motor ok, reservoir 15.5 ml                      a1

        """#,
        "events-limit": #"""
        AT                       KIND    WHAT                                                          MESSAGE ID
        2026-01-05 09:05:00 UTC  status  battery ERI, motor ok, reservoir 12.5 ml                      a3
        2026-01-05 09:00:00 UTC  alert   BATTERY_ERI warning: Battery at elective replacement indica…  a2

        """#,
        "events-none": #"""
        No messages from this pump.

        """#,
        "rejected": #"""
        RECEIVED                 REASON        DETAIL                                            RAW
        ####-##-## ##:##:## UTC  invalid_json  not valid JSON: unexpected 'o' at byte 1          not json at all
        ####-##-## ##:##:## UTC  unknown_code  field "code" is the string "FROBNICATE", neithe…  {"v":1,"id":"x1","serial":"SM2-004211","kind":"…

        """#,
        "rejected-limit": #"""
        RECEIVED                 REASON        DETAIL                                    RAW
        ####-##-## ##:##:## UTC  invalid_json  not valid JSON: unexpected 'o' at byte 1  not json at all

        """#,
        "request-replacement-eri": #"""
        Record R-000006: replacement of pump SM2-004211, on request
          Determination:   medically necessary
          Clause:          MN.replacement.impending_failure (replacement after the pump's built-in notice of impending failure)
          Criterion:       impending failure
          Indication:      covered (MN.indication.3)
          Missing facts:   none
          Supplies:        covered (MN.supplies)
          Request reason:  upgrade to newer technology
          Note:            new model available
          Policy:          CG-SURG-79, effective 2023-09-27
          Created:         ####-##-## ##:##:## UTC
          Evidence:
            AT                       KIND   CODE         MESSAGE ID
            2026-01-05 09:00:00 UTC  alert  BATTERY_ERI  a2

        """#,
        "request-replacement-unenrolled": #"""
        Record R-000006: replacement of pump SM2-007700, on request
          Determination:   needs review (missing: indication)
          Clause:          MN.replacement.non_function (replacement of a pump that is not functioning)
          Criterion:       non-function
          Indication:      unknown (pump not enrolled)
          Missing facts:   indication
          Supplies:        not covered
          Request reason:  claimed malfunction
          Policy:          CG-SURG-79, effective 2023-09-27
          Created:         ####-##-## ##:##:## UTC
          Evidence:
            AT                       KIND   CODE         MESSAGE ID
            2026-01-05 10:20:00 UTC  alert  BATTERY_EOS  b2

        """#,
        "status": #"""
        pumpmond 0.1.0, up <uptime>
          Store:     /tmp/pm-XXXXXX/pumpmond.sqlite
          Pumps:     4
          Messages:  7
          Records:   5
          Rejected:  2

        """#,
    ]

    static let json: [String: String] = [
        "device-eri": #"""
        {
          "serial": "SM2-004211",
          "model": "SynchroMed II",
          "state": "impending_failure",
          "battery": "ERI",
          "last_seen": "####-##-##T##:##:##.###Z",
          "therapy": {
            "patient": "MRN-55512",
            "indication": "spasticity",
            "drug": "baclofen",
            "route": "intrathecal",
            "criteria": {
              "severe_refractory": true,
              "oral_baclofen_failed": true,
              "metastases_limited_to_liver": null,
              "prior_external_treprostinil": null,
              "severe_chronic_intractable": null,
              "trial_reduction_percent": null,
              "trial_route": null
            },
            "enrolled_at": "####-##-##T##:##:##.###Z"
          },
          "open_alerts": [
            {
              "message_id": "a2",
              "code": "BATTERY_ERI",
              "severity": "warning",
              "at": "2026-01-05T09:00:00Z",
              "detail": "Battery at elective replacement indicator"
            }
          ],
          "latest_status": {
            "at": "2026-01-05T09:05:00Z",
            "battery": {
              "months_remaining": 3,
              "state": "ERI",
              "volts": 2.61
            },
            "firmware": "4.2.1",
            "id": "a3",
            "infusing": true,
            "kind": "status",
            "model": "SynchroMed II",
            "motor": "ok",
            "received_at": "####-##-##T##:##:##.###Z",
            "reservoir_ml": 12.5,
            "serial": "SM2-004211",
            "v": 1
          }
        }

        """#,
        "device-never-reported": #"""
        {
          "serial": "SM2-010001",
          "model": null,
          "state": "unknown",
          "battery": null,
          "last_seen": null,
          "therapy": {
            "patient": "MRN-70021",
            "indication": "chronic_intractable_pain",
            "drug": "opioid",
            "route": "intrathecal",
            "criteria": {
              "severe_refractory": null,
              "oral_baclofen_failed": null,
              "metastases_limited_to_liver": null,
              "prior_external_treprostinil": null,
              "severe_chronic_intractable": true,
              "trial_reduction_percent": 60,
              "trial_route": null
            },
            "enrolled_at": "####-##-##T##:##:##.###Z"
          },
          "open_alerts": [],
          "latest_status": null
        }

        """#,
        "device-no-battery": #"""
        {
          "serial": "C3000-0107",
          "model": "Codman 3000",
          "state": "functional",
          "battery": null,
          "last_seen": "####-##-##T##:##:##.###Z",
          "therapy": null,
          "open_alerts": [
            {
              "message_id": "c2",
              "code": "LOW_RESERVOIR",
              "severity": "info",
              "at": "2026-01-05T08:45:00Z",
              "detail": null
            }
          ],
          "latest_status": {
            "at": "2026-01-05T08:30:00Z",
            "battery": null,
            "id": "c1",
            "kind": "status",
            "model": "Codman 3000",
            "motor": "none",
            "received_at": "####-##-##T##:##:##.###Z",
            "reservoir_ml": 30,
            "serial": "C3000-0107",
            "v": 1
          }
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
              "last_seen": "####-##-##T##:##:##.###Z"
            },
            {
              "serial": "SM2-004211",
              "model": "SynchroMed II",
              "state": "impending_failure",
              "battery": "ERI",
              "last_seen": "####-##-##T##:##:##.###Z"
            },
            {
              "serial": "SM2-007700",
              "model": "SynchroMed II",
              "state": "non_functional",
              "battery": "MOS",
              "last_seen": "####-##-##T##:##:##.###Z"
            },
            {
              "serial": "SM2-010001",
              "model": null,
              "state": "unknown",
              "battery": null,
              "last_seen": null
            }
          ]
        }

        """#,
        "devices-impending": #"""
        {
          "devices": [
            {
              "serial": "SM2-004211",
              "model": "SynchroMed II",
              "state": "impending_failure",
              "battery": "ERI",
              "last_seen": "####-##-##T##:##:##.###Z"
            }
          ]
        }

        """#,
        "devices-stalled-none": #"""
        {
          "devices": []
        }

        """#,
        "devices-unknown": #"""
        {
          "devices": [
            {
              "serial": "SM2-010001",
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
              "id": "R-000005",
              "serial": "C3000-0107",
              "type": "replacement",
              "trigger": "request",
              "request_reason": "convenience",
              "determination": "not_medically_necessary",
              "clause": "NMN.replacement.convenience",
              "replacement_criterion": "none",
              "indication": {
                "status": "unknown",
                "clause": null
              },
              "missing": [],
              "supplies_covered": false,
              "evidence": [
                {
                  "message_id": "c1",
                  "kind": "status",
                  "code": null,
                  "at": "2026-01-05T08:30:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": "patient moving abroad"
            },
            {
              "id": "R-000004",
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
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            },
            {
              "id": "R-000003",
              "serial": "SM2-007700",
              "type": "replacement",
              "trigger": "telemetry",
              "request_reason": null,
              "determination": "needs_review",
              "clause": "MN.replacement.non_function",
              "replacement_criterion": "non_function",
              "indication": {
                "status": "unknown",
                "clause": null
              },
              "missing": [
                "indication"
              ],
              "supplies_covered": false,
              "evidence": [
                {
                  "message_id": "b2",
                  "kind": "alert",
                  "code": "BATTERY_EOS",
                  "at": "2026-01-05T10:20:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            },
            {
              "id": "R-000002",
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
                  "message_id": "a2",
                  "kind": "alert",
                  "code": "BATTERY_ERI",
                  "at": "2026-01-05T09:00:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            },
            {
              "id": "R-000001",
              "serial": "SM2-004211",
              "type": "implant",
              "trigger": "request",
              "request_reason": null,
              "determination": "medically_necessary",
              "clause": "MN.indication.3",
              "replacement_criterion": null,
              "indication": {
                "status": "covered",
                "clause": "MN.indication.3"
              },
              "missing": [],
              "supplies_covered": true,
              "evidence": [],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            }
          ]
        }

        """#,
        "eligibility-needs-review": #"""
        {
          "records": [
            {
              "id": "R-000004",
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
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            },
            {
              "id": "R-000003",
              "serial": "SM2-007700",
              "type": "replacement",
              "trigger": "telemetry",
              "request_reason": null,
              "determination": "needs_review",
              "clause": "MN.replacement.non_function",
              "replacement_criterion": "non_function",
              "indication": {
                "status": "unknown",
                "clause": null
              },
              "missing": [
                "indication"
              ],
              "supplies_covered": false,
              "evidence": [
                {
                  "message_id": "b2",
                  "kind": "alert",
                  "code": "BATTERY_EOS",
                  "at": "2026-01-05T10:20:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            }
          ]
        }

        """#,
        "eligibility-serial": #"""
        {
          "records": [
            {
              "id": "R-000002",
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
                  "message_id": "a2",
                  "kind": "alert",
                  "code": "BATTERY_ERI",
                  "at": "2026-01-05T09:00:00Z"
                }
              ],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            },
            {
              "id": "R-000001",
              "serial": "SM2-004211",
              "type": "implant",
              "trigger": "request",
              "request_reason": null,
              "determination": "medically_necessary",
              "clause": "MN.indication.3",
              "replacement_criterion": null,
              "indication": {
                "status": "covered",
                "clause": "MN.indication.3"
              },
              "missing": [],
              "supplies_covered": true,
              "evidence": [],
              "policy": {
                "id": "CG-SURG-79",
                "effective": "2023-09-27"
              },
              "created_at": "####-##-##T##:##:##.###Z",
              "note": null
            }
          ]
        }

        """#,
        "eligibility-serial-none": #"""
        {
          "records": []
        }

        """#,
        "enroll": #"""
        {
          "id": "R-000007",
          "serial": "SM2-007700",
          "type": "implant",
          "trigger": "request",
          "request_reason": null,
          "determination": "medically_necessary",
          "clause": "MN.indication.2",
          "replacement_criterion": null,
          "indication": {
            "status": "covered",
            "clause": "MN.indication.2"
          },
          "missing": [],
          "supplies_covered": true,
          "evidence": [],
          "policy": {
            "id": "CG-SURG-79",
            "effective": "2023-09-27"
          },
          "created_at": "####-##-##T##:##:##.###Z",
          "note": null
        }

        """#,
        "events": #"""
        {
          "events": [
            {
              "at": "2026-01-05T09:05:00Z",
              "battery": {
                "months_remaining": 3,
                "state": "ERI",
                "volts": 2.61
              },
              "firmware": "4.2.1",
              "id": "a3",
              "infusing": true,
              "kind": "status",
              "model": "SynchroMed II",
              "motor": "ok",
              "received_at": "####-##-##T##:##:##.###Z",
              "reservoir_ml": 12.5,
              "serial": "SM2-004211",
              "v": 1
            },
            {
              "at": "2026-01-05T09:00:00Z",
              "code": "BATTERY_ERI",
              "detail": "Battery at elective replacement indicator",
              "id": "a2",
              "kind": "alert",
              "received_at": "####-##-##T##:##:##.###Z",
              "serial": "SM2-004211",
              "severity": "warning",
              "v": 1
            },
            {
              "at": "2026-01-05T08:00:00Z",
              "battery": {
                "months_remaining": 20,
                "state": "MOS",
                "volts": 2.9
              },
              "firmware": "4.2.1",
              "id": "a1",
              "infusing": true,
              "kind": "status",
              "model": "SynchroMed II",
              "motor": "ok",
              "received_at": "####-##-##T##:##:##.###Z",
              "reservoir_ml": 15.5,
              "serial": "SM2-004211",
              "v": 1
            }
          ]
        }

        """#,
        "events-limit": #"""
        {
          "events": [
            {
              "at": "2026-01-05T09:05:00Z",
              "battery": {
                "months_remaining": 3,
                "state": "ERI",
                "volts": 2.61
              },
              "firmware": "4.2.1",
              "id": "a3",
              "infusing": true,
              "kind": "status",
              "model": "SynchroMed II",
              "motor": "ok",
              "received_at": "####-##-##T##:##:##.###Z",
              "reservoir_ml": 12.5,
              "serial": "SM2-004211",
              "v": 1
            },
            {
              "at": "2026-01-05T09:00:00Z",
              "code": "BATTERY_ERI",
              "detail": "Battery at elective replacement indicator",
              "id": "a2",
              "kind": "alert",
              "received_at": "####-##-##T##:##:##.###Z",
              "serial": "SM2-004211",
              "severity": "warning",
              "v": 1
            }
          ]
        }

        """#,
        "events-none": #"""
        {
          "events": []
        }

        """#,
        "rejected": #"""
        {
          "rejected": [
            {
              "received_at": "####-##-##T##:##:##.###Z",
              "reason": "invalid_json",
              "detail": "not valid JSON: unexpected 'o' at byte 1",
              "raw": "not json at all",
              "raw_base64": "bm90IGpzb24gYXQgYWxs"
            },
            {
              "received_at": "####-##-##T##:##:##.###Z",
              "reason": "unknown_code",
              "detail": "field \"code\" is the string \"FROBNICATE\", neither a known alert code nor a vendor code X-<VENDOR>-<NAME> (letters, digits, '-')",
              "raw": "{\"v\":1,\"id\":\"x1\",\"serial\":\"SM2-004211\",\"kind\":\"alert\",\"at\":\"2026-01-05T09:10:00Z\",\"code\":\"FROBNICATE\",\"severity\":\"info\"}",
              "raw_base64": "eyJ2IjoxLCJpZCI6IngxIiwic2VyaWFsIjoiU00yLTAwNDIxMSIsImtpbmQiOiJhbGVydCIsImF0IjoiMjAyNi0wMS0wNVQwOToxMDowMFoiLCJjb2RlIjoiRlJPQk5JQ0FURSIsInNldmVyaXR5IjoiaW5mbyJ9"
            }
          ]
        }

        """#,
        "rejected-limit": #"""
        {
          "rejected": [
            {
              "received_at": "####-##-##T##:##:##.###Z",
              "reason": "invalid_json",
              "detail": "not valid JSON: unexpected 'o' at byte 1",
              "raw": "not json at all",
              "raw_base64": "bm90IGpzb24gYXQgYWxs"
            }
          ]
        }

        """#,
        "request-replacement-eri": #"""
        {
          "id": "R-000007",
          "serial": "SM2-004211",
          "type": "replacement",
          "trigger": "request",
          "request_reason": "upgrade",
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
              "message_id": "a2",
              "kind": "alert",
              "code": "BATTERY_ERI",
              "at": "2026-01-05T09:00:00Z"
            }
          ],
          "policy": {
            "id": "CG-SURG-79",
            "effective": "2023-09-27"
          },
          "created_at": "####-##-##T##:##:##.###Z",
          "note": "new model available"
        }

        """#,
        "request-replacement-unenrolled": #"""
        {
          "id": "R-000007",
          "serial": "SM2-007700",
          "type": "replacement",
          "trigger": "request",
          "request_reason": "malfunction",
          "determination": "needs_review",
          "clause": "MN.replacement.non_function",
          "replacement_criterion": "non_function",
          "indication": {
            "status": "unknown",
            "clause": null
          },
          "missing": [
            "indication"
          ],
          "supplies_covered": false,
          "evidence": [
            {
              "message_id": "b2",
              "kind": "alert",
              "code": "BATTERY_EOS",
              "at": "2026-01-05T10:20:00Z"
            }
          ],
          "policy": {
            "id": "CG-SURG-79",
            "effective": "2023-09-27"
          },
          "created_at": "####-##-##T##:##:##.###Z",
          "note": null
        }

        """#,
        "status": #"""
        {
          "version": "0.1.0",
          "uptime_s": <uptime>,
          "store": "/tmp/pm-XXXXXX/pumpmond.sqlite",
          "pumps": 4,
          "messages": 7,
          "records": 5,
          "rejected": 2
        }

        """#,
    ]
}
