<?php
/**
 * Test-only must-use plugin: the test machine has no mail server, so every
 * message wp_mail would send is appended to the file named by
 * VAFA_TEST_MAIL_LOG (one JSON object a line: to, subject, message, headers)
 * and reported as sent. Installed only into the throwaway test site.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test tooling.
add_filter(
	'pre_wp_mail',
	static function ( $return, $atts ) {
		if ( ! defined( 'VAFA_TEST_MAIL_LOG' ) ) {
			return $return;
		}
		$to = is_array( $atts['to'] ) ? implode( ', ', $atts['to'] ) : (string) $atts['to'];
		file_put_contents(
			VAFA_TEST_MAIL_LOG,
			json_encode(
				array(
					'to'      => $to,
					'subject' => (string) $atts['subject'],
					'message' => (string) $atts['message'],
					'headers' => $atts['headers'],
				),
				JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
			) . "\n",
			FILE_APPEND | LOCK_EX
		);
		return true;
	},
	20,
	2
);
