// `pumpctl`, the clinicians' command line: everything lives in PumpCtlKit so tests can run it in-process.
// Foundation is imported here, in the one file compiled with `-static-executable`, so that the
// static Foundation's own libraries (CoreFoundation, ICU...) are linked in.
import Foundation
import PumpCtlKit

PumpCtl.main()
