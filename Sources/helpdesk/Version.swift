/// The release this build is: what `helpdesk --version` prints.
let mailgateVersion = "0.15.0"
