<?php
/**
 * Names of the engagement bonuses in the shopper's activity and e-mails.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

defined( 'ABSPATH' ) || exit;

/**
 * The ledger kinds issue 10 adds, as a shopper reads them.
 */
final class Kinds {
	const BONUSES = array( 'signup_bonus', 'birthday_bonus', 'anniversary_bonus', 'review_bonus', 'survey_bonus', 'campaign_bonus', 'winback_bonus' );

	/**
	 * The label of a bonus kind; '' for any other kind.
	 *
	 * @param string $kind    Ledger transaction kind.
	 * @param string $message The store's message (campaigns), '' when none.
	 */
	public static function label( string $kind, string $message = '' ): string {
		switch ( $kind ) {
			case 'signup_bonus':
				return __( 'Welcome bonus for creating your account', 'vafa' );
			case 'birthday_bonus':
				return __( 'Birthday gift', 'vafa' );
			case 'anniversary_bonus':
				return __( 'Anniversary gift', 'vafa' );
			case 'review_bonus':
				return __( 'Thank you for your product review', 'vafa' );
			case 'survey_bonus':
				return __( 'Thank you for your feedback', 'vafa' );
			case 'campaign_bonus':
				return '' !== $message ? $message : __( 'A gift from the store', 'vafa' );
			case 'winback_bonus':
				return __( 'A welcome-back gift', 'vafa' );
		}
		return '';
	}
}
