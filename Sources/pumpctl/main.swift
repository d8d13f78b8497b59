// `pumpctl`, the clinicians' command line: everything lives in PumpCtlKit so tests can run it in-process.
import Foundation
import PumpCtlKit

PumpCtl.main()
