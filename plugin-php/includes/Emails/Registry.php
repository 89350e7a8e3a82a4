<?php
/**
 * Adds the plugin's e-mails to WooCommerce.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the e-mails through woocommerce_email_classes, so they appear in
 * WooCommerce > Settings > Emails and are built with the mailer (WC_Email is
 * loaded only then).
 */
final class Registry {
	const CLASSES = array(
		'Vafa_Points_Earned'   => PointsEarned::class,
		'Vafa_Points_Expiring' => PointsExpiring::class,
		'Vafa_Birthday_Gift'   => BirthdayGift::class,
		'Vafa_Tier_Reached'    => TierReached::class,
		'Vafa_Reward_Issued'   => RewardIssued::class,
		'Vafa_Survey_Request'  => SurveyRequest::class,
		'Vafa_Winback'         => Winback::class,
	);

	/**
	 * Hooks the filter.
	 */
	public static function register(): void {
		add_filter( 'woocommerce_email_classes', array( self::class, 'add' ) );
	}

	/**
	 * Adds the e-mails.
	 *
	 * @param array<string,\WC_Email> $emails WooCommerce's e-mails.
	 * @return array<string,\WC_Email>
	 */
	public static function add( $emails ) {
		foreach ( self::CLASSES as $key => $class ) {
			$emails[ $key ] = new $class();
		}
		return $emails;
	}
}
