<?php
/**
 * The service's refusals in the admin's language.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiException;
use Vafa\Bonuses\Birthday;
use Vafa\Format;

defined( 'ABSPATH' ) || exit;

/**
 * The service answers errors in English ({"error":{"code","message"}}). The
 * messages the Customers and Segments screens can meet (adjustments,
 * birthdays, campaigns) are translated here; any other keeps the client's
 * translated frame with the service's own words ("The rewards service
 * answered 400: ...").
 */
final class ServiceErrors {
	/**
	 * A failure as the admin reads it.
	 *
	 * @param ApiException $e      The failure.
	 * @param string       $locale Locale for month names and digits.
	 */
	public static function message( ApiException $e, string $locale ): string {
		$text = self::known( $e->service_message, $locale );
		return null !== $text ? $text : $e->getMessage();
	}

	/**
	 * The translation of one of the service's messages, or null.
	 *
	 * @param string $message The service's message, as sent.
	 * @param string $locale  Locale.
	 */
	public static function known( string $message, string $locale ): ?string {
		switch ( $message ) {
			case 'points must not be zero':
				return __( 'The points must not be zero.', 'vafa' );
			case 'points out of range':
				return __( 'The points are out of range.', 'vafa' );
			case 'a reason of 1 to 500 characters is required':
				return __( 'Give a reason of 1 to 500 characters.', 'vafa' );
			case 'idempotency key was already used with different inputs':
				return __( 'This form was already sent with other values. Open the customer again and repeat the change.', 'vafa' );
			case 'customer id must be a positive integer':
				return __( 'The customer id must be a positive whole number.', 'vafa' );
			case 'birthday needs a month from 1 to 12 and a day from 1 to 31':
				return __( 'Choose both the month and the day of the birthday.', 'vafa' );
			case 'key must be 1 to 100 characters':
				return __( 'The campaign key must be 1 to 100 characters.', 'vafa' );
			case 'name must be at most 200 characters and message at most 1000':
				return __( 'The name may have at most 200 characters and the message at most 1,000.', 'vafa' );
			case 'a campaign gives either points or a reward_id':
				return __( 'A campaign gives either points or a reward.', 'vafa' );
			case 'points must be between 1 and 10^9':
				return __( 'The points must be between 1 and 1,000,000,000.', 'vafa' );
			case 'churn_state must be active, at_risk or lapsed':
				return __( 'Unknown churn state.', 'vafa' );
		}
		if ( 0 === strpos( $message, 'segment must be one of' ) ) {
			return __( 'Unknown segment.', 'vafa' );
		}
		if ( preg_match( '/^([A-Z][a-z]+) has no day (\d+)$/', $message, $m ) ) {
			$month = (int) gmdate( 'n', (int) strtotime( $m[1] . ' 1 2000' ) );
			/* translators: 1: a month's name, 2: a day number */
			return sprintf( __( '%1$s has no day %2$s.', 'vafa' ), Birthday::month_name( $month, $locale ), Format::digits( $m[2], $locale ) );
		}
		return null;
	}
}
